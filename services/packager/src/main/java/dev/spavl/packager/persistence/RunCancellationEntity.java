package dev.spavl.packager.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A run cancelled, as recorded from spavl.cancellations (who and why as the cancel said). */
@Entity
@Table(name = "run_cancellations")
public class RunCancellationEntity extends PanacheEntityBase {

    @Id
    @Column(name = "run_id")
    public String runId;
    @Column(name = "cancelled_at", nullable = false)
    public Instant cancelledAt;
    @Column(name = "requested_by")
    public String requestedBy;
    public String reason;
    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;
}
