package dev.spavl.packager;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.FanOutMode;
import dev.spavl.events.QuestionType;
import dev.spavl.events.RunRequested;
import dev.spavl.events.SourceKind;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The packager against a real broker, a real registry and a real PostgreSQL database. */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class RunLedgerTest {

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void recordsARunFromTheRunsTopicAndServesIt() {
        RunRequested event = run("ledger-1");
        AvroTopicClient.forCurrentTestResource().send("spavl.runs", event.getRunId(), event);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/runs/{id}", event.getRunId()).then()
                        .statusCode(200)
                        .body("runId", equalTo(event.getRunId()))
                        .body("sourceUri", equalTo("/data/spa-vl/train"))
                        .body("fanOut", equalTo("SAMPLE"))
                        .body("sampleSize", equalTo(3))
                        .body("questionTypes[1]", equalTo("HARD_QUESTION")));
    }

    @Test
    void aRedeliveredEventIsAppliedOnce() {
        RunRequested event = run("ledger-dup");
        AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
        kafka.send("spavl.runs", event.getRunId(), event);
        kafka.send("spavl.runs", event.getRunId(), event);
        RunRequested marker = run("ledger-after-dup");
        kafka.send("spavl.runs", marker.getRunId(), marker);

        // spavl.runs has one partition: once the marker is recorded, both copies were consumed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/runs/{id}", marker.getRunId()).then().statusCode(200));
        given().get("/q/metrics").then()
                .body(containsString("spavl_packager_events_total{event=\"RunRequested\",outcome=\"duplicate\"} 1.0"));
    }

    @Test
    void aRecordThatIsNotAvroGoesToTheDeadLetterTopicAndTheLedgerKeepsGoing() {
        AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
        kafka.sendRaw("spavl.runs", "run-poison", "this is not Avro".getBytes(StandardCharsets.UTF_8));
        RunRequested next = run("ledger-after-poison");
        kafka.send("spavl.runs", next.getRunId(), next);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/runs/{id}", next.getRunId()).then().statusCode(200));
        List<ConsumerRecord<String, byte[]>> dead = kafka.readAllRaw("spavl.runs.dlq", Duration.ofSeconds(10));
        assertThat(dead).filteredOn(r -> "run-poison".equals(r.key())).singleElement().satisfies(r -> {
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("this is not Avro");
            assertThat(r.headers().lastHeader("dead-letter-reason")).as("reason header").isNotNull();
            assertThat(new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .isEqualTo("value in spavl.runs (16 bytes) is not in the Confluent wire format: expected magic byte 0 and a "
                            + "4-byte schema id, found first byte 0x74");
        });
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aRunArrivingWhilePostgresRefusesConnectionsIsRecordedOnceItIsBackNotDeadLettered() throws Exception {
        AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
        String database = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        String adminUrl = jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1) + "postgres";
        RunRequested during = run("ledger-during-outage");
        try (java.sql.Connection admin = java.sql.DriverManager.getConnection(adminUrl, "postgres", "");
             java.sql.Statement sql = admin.createStatement()) {
            // the outage: no new connection to the packager's database, the open ones cut
            sql.execute("ALTER DATABASE \"" + database + "\" WITH ALLOW_CONNECTIONS false");
            try {
                sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
                kafka.send("spavl.runs", during.getRunId(), during);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/metrics").then()
                        .body(containsString("spavl_packager_event_retries_total{event=\"RunRequested\"}")));
            } finally {
                sql.execute("ALTER DATABASE \"" + database + "\" WITH ALLOW_CONNECTIONS true");
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().get("/api/runs/{id}", during.getRunId()).then().statusCode(200));
        assertThat(kafka.readAllRaw("spavl.runs.dlq", Duration.ofSeconds(10)))
                .noneMatch(r -> during.getRunId().equals(r.key()));
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("spavl packager API"))
                .body("paths.keySet()", org.hamcrest.Matchers.hasItems("/api/runs", "/api/runs/{runId}", "/api/runs/{runId}/stats",
                        "/api/quadruples"));
    }

    @Test
    void unknownRunIsA404WithAReason() {
        given().get("/api/runs/{id}", "run-does-not-exist").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("id", equalTo("run-does-not-exist"))
                .body("status", equalTo(404))
                .body("detail", containsString("not recorded"));
    }

    @Test
    void badPageSizeIsRejectedWithTheParameterNamed() {
        given().get("/api/runs?limit=0").then().statusCode(400).body("parameter", equalTo("limit"));
    }

    @Test
    void healthAndMetricsAreServed() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    private static RunRequested run(String key) {
        String runId = Ids.of("run", key);
        return RunRequested.newBuilder()
                .setEventId(Ids.event("RunRequested", runId))
                .setRunId(runId)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setSourceKind(SourceKind.FOLDER_TREE)
                .setSourceUri("/data/spa-vl/train")
                .setFanOut(FanOutMode.SAMPLE)
                .setSampleSize(3)
                .setSeed(7L)
                .setQuestionTypes(List.of(QuestionType.EASY_QUESTION, QuestionType.HARD_QUESTION))
                .setTargets(List.of())
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }
}
