package dev.spavl.generator.service;

import dev.spavl.events.ImageRegistered;
import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponderStatus;
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
 * The worker works while there is work: with its schedule an hour apart, a run is still started when it is accepted
 * and carried through all its rounds (two images a round), each round's rows stored, published and finished together,
 * and of two rows with the same image the first in row order is kept, within a round or across rounds.
 */
@QuarkusTest
@TestProfile(WorkerPaceTest.HourlyTick.class)
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class WorkerPaceTest {

    public static class HourlyTick implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("spavl.generator.worker.poll", "1h",
                    "spavl.generator.worker.batch-size", "2");
        }
    }

    @Test
    void aRunIsCarriedThroughAllItsRoundsWithoutWaitingForTheSchedule() throws Exception {
        AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
        kafka.send("spavl.responders", "otter", ResponderHeartbeat.newBuilder().setEventId("evt-pace-" + UUID.randomUUID())
                .setRunId(null).setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setModelId("otter")
                .setProvider("simulated").setStatus(ResponderStatus.ACTIVE).setInstance("t").setConcurrency(1).setVersion("t")
                .setIntervalMs(60_000).build());
        // rows in name order: a0 and a1 are the same picture (one round), a6 repeats a3 (a later round)
        Path dir = Path.of("target/test-input/pace-" + UUID.randomUUID());
        Path leaf = dir.resolve("Malicious Use/Security threats/malware");
        Files.createDirectories(leaf);
        for (int i : new int[] {0, 2, 3, 4, 5}) {
            Files.write(leaf.resolve("a" + i + ".png"), TestImages.png(70 + i, 70));
        }
        Files.copy(leaf.resolve("a0.png"), leaf.resolve("a1.png"));
        Files.copy(leaf.resolve("a3.png"), leaf.resolve("a6.png"));

        String runId = given().contentType(ContentType.JSON)
                .body("{\"source\":\"" + dir.getFileName() + "\",\"targets\":[\"otter\"],\"questionTypes\":[\"easy\"]}")
                .post("/api/runs").then().statusCode(202).extract().path("runId");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("status", equalTo("COMPLETED"))
                .body("progress.imagesTotal", equalTo(7))
                .body("progress.imagesAccepted", equalTo(5))
                .body("progress.imagesDuplicate", equalTo(2))
                .body("progress.easyQuestions", equalTo(5))
                .body("progress.requestsDispatched", equalTo(5)));

        List<String> published = kafka.<ImageRegistered>readAll("spavl.images", Duration.ofSeconds(10)).stream()
                .map(ConsumerRecord::value).filter(i -> i.getRunId().equals(runId))
                .map(i -> Path.of(i.getSourceRef()).getFileName().toString()).sorted().toList();
        assertThat(published).containsExactly("a0.png", "a2.png", "a3.png", "a4.png", "a5.png");
    }
}
