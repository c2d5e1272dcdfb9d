package dev.spavl.packager.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A run as recorded from spavl.runs. */
@Entity
@Table(name = "runs")
public class RunEntity extends PanacheEntityBase {

    @Id
    @Column(name = "run_id")
    public String runId;
    @Column(name = "source_kind", nullable = false)
    public String sourceKind;
    @Column(name = "source_uri", nullable = false)
    public String sourceUri;
    @Column(name = "fan_out", nullable = false)
    public String fanOut;
    @Column(name = "sample_size")
    public Integer sampleSize;
    @Column(nullable = false)
    public long seed;
    /** Comma-separated question types. */
    @Column(name = "question_types", nullable = false)
    public String questionTypes;
    /** Comma-separated model ids; empty = every live responder. */
    @Column(nullable = false)
    public String targets;
    @Column(name = "image_limit")
    public Integer imageLimit;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;
    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;
}
