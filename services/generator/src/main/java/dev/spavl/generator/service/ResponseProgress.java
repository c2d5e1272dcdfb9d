package dev.spavl.generator.service;

import dev.spavl.events.ResponseOutcome;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Counts the responses of each run (from spavl.responses), so the worker knows how many of a run's
 * requests still await an answer (backpressure). Idempotent: a redelivered outcome is counted once.
 *
 * <p>One SQL statement per outcome (records the event id and counts it, atomically): twelve outcomes per question
 * made this the generator's busiest path, and an entity load, insert and update in a Hibernate transaction cost
 * several times the database round trips and most of the generator's CPU at scale (docs/benchmarks.md).
 */
@ApplicationScoped
public class ResponseProgress {

    static final String COUNT_ONCE = """
            WITH first AS (
                INSERT INTO processed_events (event_id, processed_at) VALUES ($1, now())
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id)
            UPDATE runs SET responses_received = responses_received + 1, updated_at = now()
            WHERE run_id = $2 AND EXISTS (SELECT 1 FROM first)""";

    private final Pool database;

    public ResponseProgress(Pool database) {
        this.database = database;
    }

    @Incoming("responses")
    public Uni<Void> onOutcome(ResponseOutcome outcome) {
        return database.preparedQuery(COUNT_ONCE).execute(Tuple.of(outcome.getEventId(), outcome.getRunId())).replaceWithVoid();
    }
}
