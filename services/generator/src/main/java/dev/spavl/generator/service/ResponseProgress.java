package dev.spavl.generator.service;

import dev.spavl.db.TransientDatabaseFailure;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.kafka.batch.PollBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Arrays;
import java.util.List;

/**
 * Counts the responses of each run (from spavl.responses), so the worker knows how many of a run's
 * requests still await an answer (backpressure). Idempotent: a redelivered outcome is counted once.
 *
 * <p>A poll at a time, in one SQL statement that records the event ids and moves each run's count by its new ones:
 * twelve outcomes per question made this the generator's busiest path. One committed statement per outcome was
 * bound by PostgreSQL's WAL flushes at SPA-VL scale and fell behind the answers (docs/benchmarks.md).
 *
 * <p>A statement that fails because PostgreSQL is unavailable ({@link TransientDatabaseFailure}) is retried with
 * backoff, holding the partition: a lost count would hold the run back for good, since its requests would seem to
 * await a response forever (backpressure). A batch that fails otherwise is counted again outcome by outcome, so only
 * an outcome that fails on its own (bad data) is dead-lettered.
 */
@ApplicationScoped
public class ResponseProgress {

    /**
     * Records the event ids and moves each run's count by its new ones: $1 event ids, $2 their run ids (a repeated
     * event id counts once).
     */
    static final String COUNT_BATCH_ONCE = """
            WITH batch AS (
                SELECT DISTINCT ON (event_id) event_id, run_id FROM unnest($1::varchar[], $2::varchar[]) AS b(event_id, run_id)),
            first AS (
                INSERT INTO processed_events (event_id, processed_at) SELECT event_id, now() FROM batch
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id),
            counted AS (
                SELECT batch.run_id, count(*) AS n FROM batch JOIN first USING (event_id) GROUP BY batch.run_id)
            UPDATE runs SET responses_received = responses_received + counted.n, updated_at = now()
            FROM counted WHERE runs.run_id = counted.run_id""";

    private static final Logger LOG = Logger.getLogger(ResponseProgress.class);

    private final Pool database;
    private final Counter retries;

    public ResponseProgress(Pool database, MeterRegistry metrics) {
        this.database = database;
        this.retries = Counter.builder("spavl.generator.progress.retries")
                .description("response-count statements retried because PostgreSQL was unavailable").register(metrics);
    }

    @Incoming("responses")
    public Uni<Void> onOutcomes(KafkaRecordBatch<String, ResponseOutcome> batch) {
        return PollBatch.apply(batch, "ResponseOutcome", this::countAll, this::count);
    }

    Uni<Void> countAll(List<ResponseOutcome> outcomes) {
        String[] events = outcomes.stream().map(ResponseOutcome::getEventId).toArray(String[]::new);
        String[] runs = outcomes.stream().map(ResponseOutcome::getRunId).toArray(String[]::new);
        return TransientDatabaseFailure.retriedWhileTransient(
                () -> database.preparedQuery(COUNT_BATCH_ONCE).execute(Tuple.of(events, runs)).replaceWithVoid(), f -> {
                    retries.increment();
                    LOG.warnf("%s not counted, the database is unavailable (%s); retrying", events.length == 1
                                    ? "outcome " + events[0] + " (run " + runs[0] + ")"
                                    : events.length + " outcomes (runs " + Arrays.stream(runs).distinct().toList() + ")",
                            TransientDatabaseFailure.describe(f));
                });
    }

    /** One outcome, after its batch failed as a whole. */
    Uni<Void> count(ResponseOutcome outcome) {
        return countAll(List.of(outcome));
    }
}
