package dev.spavl.packager.service;

import dev.spavl.events.RunCancelled;
import dev.spavl.packager.persistence.QuestionEntity;
import dev.spavl.packager.persistence.RunCancellationEntity;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * A cancelled run (spavl.cancellations): recorded, and its open questions (waiting for answers or with the judge) closed
 * as CANCELLED in the same transaction; questions of the run that arrive later are closed as they arrive
 * ({@link QuestionIntake}). What is finished stays: quadruples, answers and labels already in, and questions already
 * closed. A verdict that comes back for a cancelled question changes nothing (only a JUDGING question takes one).
 * Idempotent by event id.
 */
@ApplicationScoped
public class RunCancellations {

    static final String CONSUMER = "packager.run-cancellations";
    /** The reason a cancelled question carries (its {@code unresolved_reason}). */
    public static final String CLOSED_REASON = "the run was cancelled";
    private static final Logger LOG = Logger.getLogger(RunCancellations.class);

    private final EventOnce once;
    private final MeterRegistry metrics;

    public RunCancellations(EventOnce once, MeterRegistry metrics) {
        this.once = once;
        this.metrics = metrics;
    }

    @Incoming("cancellations")
    public Uni<Void> onRunCancelled(RunCancelled e) {
        return once.apply(e.getEventId(), "RunCancelled", CONSUMER, "cancellations", new EventOnce.Ids(e.getRunId(), null, null),
                () -> RunCancellationEntity.<RunCancellationEntity>findById(e.getRunId()).flatMap(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().voidItem();
                    }
                    RunCancellationEntity c = new RunCancellationEntity();
                    c.runId = e.getRunId();
                    c.cancelledAt = e.getOccurredAt();
                    c.requestedBy = e.getRequestedBy();
                    c.reason = e.getReason();
                    c.recordedAt = Instant.now();
                    return c.persist().chain(() -> Panache.getSession()).chain(s -> s.createMutationQuery(
                                    "update QuestionEntity q set q.state = ?1, q.unresolvedReason = ?2, q.closedAt = ?3"
                                            + " where q.runId = ?4 and q.state in (?5, ?6)")
                            .setParameter(1, QuestionEntity.State.CANCELLED.name()).setParameter(2, CLOSED_REASON)
                            .setParameter(3, Instant.now()).setParameter(4, e.getRunId())
                            .setParameter(5, QuestionEntity.State.WAITING.name()).setParameter(6, QuestionEntity.State.JUDGING.name())
                            .executeUpdate())
                            .invoke(n -> {
                                metrics.counter("spavl.packager.questions.closed", "state", PackagerMetrics.tag(QuestionEntity.State.CANCELLED))
                                        .increment(n);
                                LOG.infof("run %s cancelled (by %s: %s): %d open question(s) closed as CANCELLED", e.getRunId(),
                                        e.getRequestedBy(), e.getReason(), n);
                            })
                            .replaceWithVoid();
                }));
    }
}
