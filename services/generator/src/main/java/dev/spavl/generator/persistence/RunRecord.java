package dev.spavl.generator.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A run the generator accepted; the generator's own progress record. */
@Entity
@Table(name = "runs")
public class RunRecord extends PanacheEntityBase {

    /**
     * REQUESTED: accepted, input not read yet; RUNNING: items being processed; COMPLETED; FAILED, with the reason
     * (the input could not be read, no image of it was accepted, or no target became live in time); CANCELLED: stopped
     * on request (RunCancellation).
     */
    public enum Status { REQUESTED, RUNNING, COMPLETED, FAILED, CANCELLED }

    @Id
    @Column(name = "run_id")
    public String runId;
    @Column(name = "idempotency_key", unique = true)
    public String idempotencyKey;
    /** SHA-256 (hex) of the request body as read; a repeated Idempotency-Key must come with the same. */
    @Column(name = "request_fingerprint")
    public String requestFingerprint;
    @Column(nullable = false)
    public String status;
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
    @Column(name = "question_types", nullable = false)
    public String questionTypes;
    @Column(nullable = false)
    public String targets;
    @Column(name = "image_limit")
    public Integer imageLimit;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;
    @Column(name = "event_id", nullable = false)
    public String eventId;
    @Column(name = "images_total")
    public int imagesTotal;
    @Column(name = "images_accepted")
    public int imagesAccepted;
    @Column(name = "images_rejected")
    public int imagesRejected;
    @Column(name = "images_duplicate")
    public int imagesDuplicate;
    @Column(name = "questions_easy")
    public int questionsEasy;
    @Column(name = "questions_hard")
    public int questionsHard;
    @Column(name = "statements_hard")
    public int statementsHard;
    @Column(name = "requests_dispatched")
    public int requestsDispatched;
    @Column(name = "responses_received")
    public int responsesReceived;
    public String failure;
    @Column(name = "cancelled_at")
    public Instant cancelledAt;
    @Column(name = "cancelled_by")
    public String cancelledBy;
    @Column(name = "cancel_reason")
    public String cancelReason;
    /** Since when the run has waited for a live responder among its targets; null while it is not waiting for one. */
    @Column(name = "waiting_since")
    public Instant waitingSince;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Uni<RunRecord> findByIdempotencyKey(String key) {
        return find("idempotencyKey", key).firstResult();
    }
}
