package dev.spavl.generator.service;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.RunCancelled;
import dev.spavl.generator.persistence.RunItem;
import dev.spavl.generator.persistence.RunRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Cancels a run. The rule, in one place: no new images are read or fanned out (the worker takes only REQUESTED and
 * RUNNING runs, and never writes over CANCELLED); its pending rows are SKIPPED; {@code RunCancelled} goes to the
 * compacted spavl.cancellations topic, where the lanes learn to drop the run's queued requests without calling a
 * model and the packager closes its open questions as CANCELLED. What is finished (answers, labels, quadruples) is
 * kept; requests already handed to a model and pairs already with the judge finish.
 *
 * <p>The status and the event go together: the update and the send are one transaction, so a send the broker refuses
 * leaves the run as it was and the cancel can be repeated. A repeat on a cancelled run sends the same event again
 * (same id and time, from the stored row), which changes nothing downstream. A FAILED run has nothing to cancel.
 */
@ApplicationScoped
public class RunCancellation {

    private static final Logger LOG = Logger.getLogger(RunCancellation.class);
    static final int MAX_TEXT = 200;

    /** What a cancel did. */
    public enum Result { CANCELLED, ALREADY_FAILED, NOT_FOUND }

    public record Outcome(Result result, RunRecord run) {
    }

    private final MutinyEmitter<RunCancelled> cancellations;
    private final MeterRegistry metrics;

    public RunCancellation(@Channel("cancellations") MutinyEmitter<RunCancelled> cancellations, MeterRegistry metrics) {
        this.cancellations = cancellations;
        this.metrics = metrics;
    }

    /**
     * @param requestedBy who asks (free text, cut to {@value #MAX_TEXT} characters), or null
     * @param reason      why (free text, cut to 1000 characters), or null
     */
    public Uni<Outcome> cancel(String runId, String requestedBy, String reason) {
        return Panache.withTransaction(() -> RunRecord.<RunRecord>findById(runId, LockModeType.PESSIMISTIC_WRITE).flatMap(run -> {
            if (run == null) {
                return Uni.createFrom().item(new Outcome(Result.NOT_FOUND, null));
            }
            if (RunRecord.Status.FAILED.name().equals(run.status)) {
                return Uni.createFrom().item(new Outcome(Result.ALREADY_FAILED, run));
            }
            boolean first = !RunRecord.Status.CANCELLED.name().equals(run.status);
            Uni<Void> recorded = Uni.createFrom().voidItem();
            if (first) {
                run.status = RunRecord.Status.CANCELLED.name();
                run.cancelledAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                run.cancelledBy = cut(requestedBy, MAX_TEXT);
                run.cancelReason = cut(reason, 1000);
                run.updatedAt = run.cancelledAt;
                recorded = RunItem.update("status = ?1, detail = ?2, updatedAt = ?3 where runId = ?4 and status = ?5",
                        RunItem.Status.SKIPPED.name(), "the run was cancelled", run.cancelledAt, runId, RunItem.Status.PENDING.name())
                        .replaceWithVoid();
            }
            return recorded.chain(() -> cancellations.sendMessage(Message.of(event(run))
                            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(runId).build())))
                    .invoke(() -> {
                        if (first) {
                            metrics.counter("spavl.generator.runs.cancelled").increment();
                            LOG.infof("run %s cancelled by %s: %s", runId, run.cancelledBy, run.cancelReason);
                        }
                    })
                    .replaceWith(new Outcome(Result.CANCELLED, run));
        }));
    }

    static RunCancelled event(RunRecord run) {
        return RunCancelled.newBuilder()
                .setEventId(Ids.event("RunCancelled", run.runId))
                .setRunId(run.runId)
                .setOccurredAt(run.cancelledAt)
                .setRequestedBy(run.cancelledBy)
                .setReason(run.cancelReason)
                .build();
    }

    private static String cut(String text, int max) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        return t.length() <= max ? t : t.substring(0, max);
    }
}
