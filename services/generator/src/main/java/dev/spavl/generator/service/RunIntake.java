package dev.spavl.generator.service;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.RunRequested;
import dev.spavl.generator.mapping.RunRequestMapper;
import dev.spavl.generator.persistence.RunRecord;
import dev.spavl.generator.rest.RunRequestBody;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Accepts a run: records it in the generator's database and publishes {@code RunRequested} on
 * spavl.runs, in one transaction (a failed publish rolls the record back, so a retry of the same
 * request starts clean). Image intake and prompt writing build on this with the generator issue.
 */
@ApplicationScoped
public class RunIntake {

    private static final Logger LOG = Logger.getLogger(RunIntake.class);

    /** What happened to a request: the run (but when INVALID) or the problems (when INVALID). */
    public record Outcome(Kind kind, RunRecord run, List<RunRequestMapper.Problem> problems) {

        public enum Kind {
            /** A new run was accepted. */
            CREATED,
            /** The Idempotency-Key names a run accepted for the same body: that run. */
            REPEATED,
            /** The Idempotency-Key names a run accepted for another body: that run, and nothing done. */
            KEY_REUSED,
            /** The request is invalid: nothing done. */
            INVALID
        }
    }

    private final MutinyEmitter<RunRequested> runs;
    private final MeterRegistry metrics;
    private final RunRequestMapper mapper;

    public RunIntake(@Channel("runs") MutinyEmitter<RunRequested> runs, MeterRegistry metrics) {
        this.runs = runs;
        this.metrics = metrics;
        SecureRandom random = new SecureRandom();
        this.mapper = new RunRequestMapper(random::nextLong);
    }

    /**
     * @param idempotencyKey client key: the same key always names the same run and a repeat with the same body
     *                       returns the recorded run without publishing again (a repeat with another body is
     *                       KEY_REUSED); null = a new run
     */
    @WithTransaction
    public Uni<Outcome> request(RunRequestBody body, String idempotencyKey) {
        String fingerprint = RunRequestMapper.fingerprint(body);
        if (idempotencyKey == null) {
            return create(body, null, fingerprint);
        }
        return RunRecord.findByIdempotencyKey(idempotencyKey).flatMap(existing -> {
            if (existing == null) {
                return create(body, idempotencyKey, fingerprint);
            }
            // runs accepted before fingerprints were kept have none: the key alone names them
            boolean sameBody = existing.requestFingerprint == null || existing.requestFingerprint.equals(fingerprint);
            if (!sameBody) {
                LOG.infof("run request refused: Idempotency-Key of run %s sent again with another body", existing.runId);
            }
            return Uni.createFrom().item(new Outcome(sameBody ? Outcome.Kind.REPEATED : Outcome.Kind.KEY_REUSED, existing, List.of()));
        });
    }

    private Uni<Outcome> create(RunRequestBody body, String idempotencyKey, String fingerprint) {
        String runId = Ids.of("run", idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString());
        RunRequestMapper.Result result = mapper.map(body, runId, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        if (!result.valid()) {
            metrics.counter("spavl.generator.runs.rejected").increment();
            LOG.infof("run request rejected: %s", result.problems());
            return Uni.createFrom().item(new Outcome(Outcome.Kind.INVALID, null, result.problems()));
        }
        RunRequested event = result.event();
        RunRecord record = toRecord(event, idempotencyKey);
        record.requestFingerprint = fingerprint;
        Message<RunRequested> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(runId).build());
        return record.<RunRecord>persist()
                .call(() -> runs.sendMessage(message))
                .invoke(() -> {
                    metrics.counter("spavl.generator.runs.accepted").increment();
                    LOG.infof("run %s accepted (event %s, source %s, fan-out %s)", runId, event.getEventId(),
                            event.getSourceUri(), event.getFanOut());
                })
                .map(saved -> new Outcome(Outcome.Kind.CREATED, saved, List.of()));
    }

    private static RunRecord toRecord(RunRequested e, String idempotencyKey) {
        RunRecord r = new RunRecord();
        r.runId = e.getRunId();
        r.idempotencyKey = idempotencyKey;
        r.status = RunRecord.Status.REQUESTED.name();
        r.sourceKind = e.getSourceKind().name();
        r.sourceUri = e.getSourceUri();
        r.fanOut = e.getFanOut().name();
        r.sampleSize = e.getSampleSize();
        r.seed = e.getSeed();
        r.questionTypes = e.getQuestionTypes().stream().map(Enum::name).collect(Collectors.joining(","));
        r.targets = String.join(",", e.getTargets());
        r.imageLimit = e.getImageLimit();
        r.requestedBy = e.getRequestedBy();
        r.requestedAt = e.getRequestedAt();
        r.eventId = e.getEventId();
        return r;
    }
}
