package dev.spavl.packager.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An event id the packager has applied; written in the same transaction as the change. */
@Entity
@Table(name = "processed_events")
public class ProcessedEvent extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(nullable = false)
    public String consumer;
    @Column(nullable = false)
    public String topic;
    @Column(name = "processed_at", nullable = false)
    public Instant processedAt;

    public static ProcessedEvent of(String eventId, String consumer, String topic) {
        ProcessedEvent e = new ProcessedEvent();
        e.eventId = eventId;
        e.consumer = consumer;
        e.topic = topic;
        e.processedAt = Instant.now();
        return e;
    }
}
