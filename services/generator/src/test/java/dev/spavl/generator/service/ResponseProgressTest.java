package dev.spavl.generator.service;

import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseStatus;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.RecordBatches;
import dev.spavl.testkit.SpavlKafkaResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The response counter applied to batches built by hand (a broker decides what arrives together; here the test does):
 * each outcome counted once per run, repeats within and across batches ignored, one bad outcome dead-lettered
 * alone while the rest of its batch is counted, and a batch held (not dead-lettered) while PostgreSQL is away.
 */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class ResponseProgressTest {

    @Inject
    ResponseProgress progress;

    @Inject
    Pool database;

    @Inject
    MeterRegistry metrics;

    private final List<String> log = new ArrayList<>();

    @Test
    void aBatchCountsEachOutcomeOncePerRunAndARedeliveredBatchCountsNothing() {
        String a = run(), b = run();
        List<KafkaRecord<String, ResponseOutcome>> records = List.of(
                record(outcome(a, "evt-1-" + a)), record(outcome(a, "evt-1-" + a)), // the same event twice in one poll
                record(outcome(a, "evt-2-" + a)), record(outcome(b, "evt-3-" + b)));

        apply(records);
        assertThat(received(a)).isEqualTo(2);
        assertThat(received(b)).isEqualTo(1);

        apply(records); // redelivered after a restart
        assertThat(received(a)).isEqualTo(2);
        assertThat(received(b)).isEqualTo(1);
        assertThat(log).containsExactly("ack", "ack");
    }

    @Test
    void anOutcomeThatCannotBeCountedIsNackedAloneAndTheRestOfItsBatchIsCounted() {
        String a = run();
        String tooLong = "evt-" + "x".repeat(90); // the generator records event ids of up to 80 characters

        apply(List.of(record(outcome(a, "evt-1-" + a)), record(outcome(a, tooLong)), record(null), record(outcome(a, "evt-2-" + a))));

        assertThat(received(a)).isEqualTo(2);
        assertThat(log).hasSize(3).last().isEqualTo("ack");
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("nack " + tooLong.substring(0, 10)).contains("value too long"))
                .anySatisfy(l -> assertThat(l).startsWith("nack null").contains("has no value"));
    }

    @Test
    void whileTheDatabaseRefusesConnectionsTheBatchWaitsAndIsCountedAfterNotDeadLettered() throws Exception {
        String a = run();
        String db = database.query("SELECT current_database()").execute().await().atMost(Duration.ofSeconds(10))
                .iterator().next().getString(0);
        List<KafkaRecord<String, ResponseOutcome>> records = List.of(record(outcome(a, "evt-1-" + a)), record(outcome(a, "evt-2-" + a)));

        admin("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
        CompletableFuture<Void> counted;
        try {
            counted = progress.onOutcomes(RecordBatches.of(records, () -> log.add("ack"))).subscribeAsCompletionStage();
            // the counter has failed and retried twice (backoff 0.5 s, then 1 s) instead of giving up
            double before = retries();
            await().atMost(Duration.ofSeconds(30)).until(() -> retries() >= before + 2);
            assertThat(counted).as("held while the database is away").isNotDone();
        } finally {
            admin("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
        }

        counted.get(60, TimeUnit.SECONDS);
        assertThat(log).containsExactly("ack");
        assertThat(received(a)).isEqualTo(2);
    }

    /** Statements run as the server's superuser over JDBC, outside the service's pool. */
    private static void admin(String... statements) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv().getOrDefault("SPAVL_PG_HOST", "127.0.0.1") + ":"
                + System.getenv().getOrDefault("SPAVL_PG_PORT", "5432") + "/postgres";
        try (Connection c = DriverManager.getConnection(url, System.getenv().getOrDefault("SPAVL_PG_USER", "postgres"),
                System.getenv().getOrDefault("SPAVL_PG_PASSWORD", "")); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private void apply(List<KafkaRecord<String, ResponseOutcome>> records) {
        progress.onOutcomes(RecordBatches.of(records, () -> log.add("ack"))).await().atMost(Duration.ofSeconds(30));
    }

    private KafkaRecord<String, ResponseOutcome> record(ResponseOutcome outcome) {
        String id = outcome == null ? "null" : outcome.getEventId().substring(0, Math.min(10, outcome.getEventId().length()));
        return RecordBatches.record("spavl.responses", "q", outcome, f -> log.add("nack " + id + ": " + f.getMessage()));
    }

    /** A finished run (the worker leaves it alone) with nothing counted. */
    private String run() {
        String runId = "run-" + UUID.randomUUID();
        database.preparedQuery("INSERT INTO runs (run_id, status, source_kind, source_uri, fan_out, seed, question_types, targets,"
                        + " requested_at, event_id) VALUES ($1, 'COMPLETED', 'test', 'test', 'ALL', 1, 'easy', '', now(), $2)")
                .execute(Tuple.of(runId, "evt-run-" + runId)).await().atMost(Duration.ofSeconds(10));
        return runId;
    }

    private double retries() {
        return metrics.counter("spavl.generator.progress.retries").count();
    }

    private int received(String runId) {
        return database.preparedQuery("SELECT responses_received FROM runs WHERE run_id = $1").execute(Tuple.of(runId))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getInteger(0);
    }

    private static ResponseOutcome outcome(String runId, String eventId) {
        return ResponseOutcome.newBuilder().setEventId(eventId).setRunId(runId)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setQuestionId("q-" + runId)
                .setModelId("otter").setStatus(ResponseStatus.OK).setText("I cannot help with that.")
                .setCostUsd(new BigDecimal("0.00000000")).setSimulated(true).build();
    }
}
