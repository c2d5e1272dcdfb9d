package dev.spavl.packager.service;

import dev.spavl.packager.persistence.ProcessedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.function.Supplier;

/**
 * The idempotent-consumer step every packager consumer shares: inside the caller's transaction, an event
 * whose id is already in processed_events is skipped; otherwise the change runs and the id is recorded in the
 * same transaction, so a redelivery changes nothing.
 */
@ApplicationScoped
public class EventOnce {

    private static final Logger LOG = Logger.getLogger(EventOnce.class);

    private final MeterRegistry metrics;

    public EventOnce(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    public Uni<Void> apply(String eventId, String eventType, String consumer, String topic, Supplier<Uni<Void>> change) {
        return ProcessedEvent.<ProcessedEvent>findById(eventId).flatMap(seen -> {
            if (seen != null) {
                LOG.debugf("%s: duplicate %s %s skipped", consumer, eventType, eventId);
                count(eventType, "duplicate");
                return Uni.createFrom().voidItem();
            }
            return change.get()
                    .call(() -> ProcessedEvent.of(eventId, consumer, topic).persist())
                    .invoke(() -> count(eventType, "applied"));
        });
    }

    private void count(String eventType, String outcome) {
        metrics.counter("spavl.packager.events", "event", eventType, "outcome", outcome).increment();
    }
}
