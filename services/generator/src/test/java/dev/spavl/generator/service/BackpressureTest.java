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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** A run stops dispatching while too many of its requests await a response, and goes on as responses arrive. */
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
        kafka.send("spavl.responders", "otter", ResponderHeartbeat.newBuilder().setEventId("evt-bp").setRunId(null)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setModelId("otter").setProvider("simulated")
                .setStatus(ResponderStatus.ACTIVE).setInstance("t").setConcurrency(1).setVersion("t").setIntervalMs(60_000).build());
        Path dir = Path.of("target/test-input/bp-" + UUID.randomUUID());
        for (int i = 0; i < 4; i++) {
            Path f = dir.resolve("Malicious Use/Security threats/malware/" + i + ".png");
            Files.createDirectories(f.getParent());
            Files.write(f, TestImages.png(70 + i, 70));
        }
        String runId = given().contentType(ContentType.JSON)
                .body("{\"source\":\"" + dir.getFileName() + "\",\"targets\":[\"otter\"],\"questionTypes\":[\"easy\"]}")
                .post("/api/runs").then().statusCode(202).extract().path("runId");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("progress.requestsDispatched", equalTo(3))
                .body("waitingFor", equalTo("3 requests await a response (limit 3)")));

        List<ConsumerRecord<String, QuestionGenerated>> questions = kafka.readAll("spavl.questions", Duration.ofSeconds(10));
        QuestionGenerated answered = questions.stream().map(ConsumerRecord::value).filter(q -> q.getRunId().equals(runId))
                .findFirst().orElseThrow();
        ResponseOutcome outcome = ResponseOutcome.newBuilder().setEventId("evt-outcome-" + UUID.randomUUID()).setRunId(runId)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setQuestionId(answered.getQuestionId())
                .setModelId("otter").setStatus(ResponseStatus.OK).setText("I cannot help with that.")
                .setCostUsd(new BigDecimal("0.00000000")).setSimulated(true).build();
        kafka.send("spavl.responses", answered.getQuestionId(), outcome);
        kafka.send("spavl.responses", answered.getQuestionId(), outcome); // a redelivery counts once

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("status", equalTo("COMPLETED"))
                .body("progress.requestsDispatched", equalTo(4))
                .body("progress.responsesReceived", equalTo(1)));
    }
}
