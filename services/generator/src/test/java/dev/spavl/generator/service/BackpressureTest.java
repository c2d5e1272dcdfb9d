package dev.spavl.generator.service;

import dev.spavl.events.QuestionGenerated;
import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponderStatus;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseStatus;
import dev.spavl.generator.intake.TestImages;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A run stops dispatching while too many of its requests await a response, and goes on as responses arrive; the
 * responses are counted a poll at a time, each once.
 */
@QuarkusTest
@TestProfile(BackpressureTest.SmallWindow.class)
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class BackpressureTest {

    public static class SmallWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("spavl.generator.worker.max-outstanding-requests", "3",
                    "spavl.generator.worker.batch-size", "1");
        }
    }

    @Test
    void dispatchPausesAtTheLimitAndResumesWithResponses() throws Exception {
        AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
        String runId = startRun(kafka, 4);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("progress.requestsDispatched", equalTo(3))
                .body("waitingFor", equalTo("3 requests await a response (limit 3)")));

        ResponseOutcome outcome = outcome(runId, firstQuestion(kafka, runId), "evt-outcome-" + UUID.randomUUID());
        kafka.send("spavl.responses", outcome.getQuestionId(), outcome);
        kafka.send("spavl.responses", outcome.getQuestionId(), outcome); // a redelivery counts once

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("status", equalTo("COMPLETED"))
                .body("progress.requestsDispatched", equalTo(4))
                .body("progress.responsesReceived", equalTo(1)));
    }

    @Test
    void anOutcomeThatCannotBeCountedGoesToTheDeadLetterTopicAloneAndTheRestOfItsBatchIsCounted() throws Exception {
        AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
        String runId = startRun(kafka, 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("status", equalTo("COMPLETED")));
        String questionId = firstQuestion(kafka, runId);
        // the generator records event ids of up to 80 characters: this one fails the batch's statement, and then only itself
        String tooLong = "evt-" + "x".repeat(90);

        for (String eventId : List.of("evt-a-" + UUID.randomUUID(), tooLong, "evt-b-" + UUID.randomUUID())) {
            kafka.send("spavl.responses", questionId, outcome(runId, questionId, eventId));
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("progress.responsesReceived", equalTo(2)));
        List<ConsumerRecord<String, ResponseOutcome>> dead = kafka.<ResponseOutcome>readAll("spavl.responses.dlq", Duration.ofSeconds(10))
                .stream().filter(r -> r.value().getRunId().equals(runId)).toList();
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(r.value().getEventId()).isEqualTo(tooLong);
            assertThat(new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .contains("value too long");
        });
    }

    /** A run over {@code images} new pictures, fanned out to one live lane. */
    private static String startRun(AvroTopicClient kafka, int images) throws Exception {
        kafka.send("spavl.responders", "otter", ResponderHeartbeat.newBuilder().setEventId("evt-bp-" + UUID.randomUUID()).setRunId(null)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setModelId("otter").setProvider("simulated")
                .setStatus(ResponderStatus.ACTIVE).setInstance("t").setConcurrency(1).setVersion("t").setIntervalMs(60_000).build());
        Path dir = Path.of("target/test-input/bp-" + UUID.randomUUID());
        for (int i = 0; i < images; i++) {
            Path f = dir.resolve("Malicious Use/Security threats/malware/" + i + ".png");
            Files.createDirectories(f.getParent());
            Files.write(f, TestImages.png(70 + i, 70));
        }
        return given().contentType(ContentType.JSON)
                .body("{\"source\":\"" + dir.getFileName() + "\",\"targets\":[\"otter\"],\"questionTypes\":[\"easy\"]}")
                .post("/api/runs").then().statusCode(202).extract().path("runId");
    }

    private static String firstQuestion(AvroTopicClient kafka, String runId) {
        List<ConsumerRecord<String, QuestionGenerated>> questions = kafka.readAll("spavl.questions", Duration.ofSeconds(10));
        return questions.stream().map(ConsumerRecord::value).filter(q -> q.getRunId().equals(runId))
                .findFirst().orElseThrow().getQuestionId();
    }

    private static ResponseOutcome outcome(String runId, String questionId, String eventId) {
        return ResponseOutcome.newBuilder().setEventId(eventId).setRunId(runId)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setQuestionId(questionId)
                .setModelId("otter").setStatus(ResponseStatus.OK).setText("I cannot help with that.")
                .setCostUsd(new BigDecimal("0.00000000")).setSimulated(true).build();
    }
}
