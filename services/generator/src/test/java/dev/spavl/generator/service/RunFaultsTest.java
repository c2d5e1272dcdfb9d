package dev.spavl.generator.service;

import dev.spavl.events.ImageRegistered;
import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponderStatus;
import dev.spavl.events.ResponseRequested;
import dev.spavl.generator.intake.TestImages;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import static org.hamcrest.Matchers.startsWith;

/**
 * Inputs and lanes that used to hold a run for good now end it, or the image, with the reason: a record the producer
 * refuses, a publish that keeps failing, targets that never appear (and one that appears in time). The limits are
 * small here so each shows quickly.
 */
@QuarkusTest
@TestProfile(RunFaultsTest.SmallLimits.class)
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class RunFaultsTest {

    /** Small producer limits and a short targets timeout. */
    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    // an ImageRegistered with a caption of a few KB is over this; one with a short caption is not
                    "mp.messaging.outgoing.images.max.request.size", "2048",
                    // intake would refuse that caption (spavl.generator.manifest): let it through to reach the producer
                    "spavl.generator.manifest.max-caption-length", "5000",
                    // a lane whose topic does not exist: each send fails after 1 s, the connector does not retry it
                    "mp.messaging.outgoing.requests.max.block.ms", "1000",
                    "mp.messaging.outgoing.requests.retries", "0",
                    "spavl.generator.worker.max-publish-attempts", "3",
                    "spavl.generator.targets-timeout", "6s");
        }
    }

    private static final Path INPUT = Path.of("target/test-input");
    private final AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();

    @Test
    void aRecordTooLargeRejectsItsImageWithTheReasonAndTheRestOfTheRunCompletes() throws Exception {
        heartbeat("lamm");
        Path dir = newInput();
        Files.write(dir.resolve("a.png"), TestImages.png(90, 90));
        Files.write(dir.resolve("b.png"), TestImages.png(91, 91));
        Files.write(dir.resolve("c.png"), TestImages.png(92, 92));
        Files.writeString(dir.resolve("m.jsonl"), String.join("\n",
                row("a.png", "a short caption"),
                row("b.png", "x".repeat(2600)),
                row("c.png", "another short caption")));

        String runId = start("{\"source\":\"" + dir.getFileName() + "/m.jsonl\",\"targets\":[\"lamm\"],\"questionTypes\":[\"easy\"]}");
        JsonPath run = awaitStatus(runId, "COMPLETED");
        assertThat(run.getInt("progress.imagesAccepted")).isEqualTo(2);
        assertThat(run.getInt("progress.imagesRejected")).isEqualTo(1);
        assertThat(run.getInt("progress.requestsDispatched")).isEqualTo(2);

        List<Map<String, Object>> rejections = given().get("/api/runs/{id}/rejections", runId).then().statusCode(200)
                .extract().jsonPath().getList("rejections");
        assertThat(rejections).singleElement().satisfies(r -> {
            assertThat(r.get("row")).isEqualTo(2);
            assertThat(r.get("reason")).isEqualTo("PUBLISH_FAILED");
            assertThat(r.get("detail").toString()).startsWith("its events cannot be published, and would not be on a retry: "
                    + "RecordTooLargeException: ").contains("max.request.size");
        });
        assertThat(publishAttempts(runId, 2)).as("not retried").isEqualTo(1);

        // the refused image's question was never requested from a lane; the other two were, once each
        List<ResponseRequested> requests = ofRun(kafka.<ResponseRequested>readAll("spavl.requests.lamm", Duration.ofSeconds(10)),
                runId, ResponseRequested::getRunId);
        assertThat(requests).hasSize(2).noneSatisfy(r -> assertThat(r.getText()).contains("xxxxxxxxxx"));
        assertThat(ofRun(kafka.<ImageRegistered>readAll("spavl.images", Duration.ofSeconds(10)), runId, ImageRegistered::getRunId))
                .extracting(ImageRegistered::getCaption).containsExactlyInAnyOrder("a short caption", "another short caption");
    }

    @Test
    void aPublishThatKeepsFailingIsRetriedUpToTheLimitThenTheImageIsRejected() throws Exception {
        heartbeat("ghost"); // alive, but its request topic was never created: every send of a request times out
        Path dir = newInput();
        Files.write(dir.resolve("a.png"), TestImages.png(93, 93));
        Files.writeString(dir.resolve("m.jsonl"), row("a.png", "a caption"));

        String runId = start("{\"source\":\"" + dir.getFileName() + "/m.jsonl\",\"targets\":[\"ghost\"],\"questionTypes\":[\"easy\"]}");
        JsonPath run = awaitStatus(runId, "FAILED");
        assertThat(run.getString("failure")).startsWith("no image of the input was accepted (1 rejected");
        Map<String, Object> rejection = given().get("/api/runs/{id}/rejections", runId).then().statusCode(200)
                .extract().jsonPath().getMap("rejections[0]");
        assertThat(rejection.get("reason")).isEqualTo("PUBLISH_FAILED");
        assertThat(rejection.get("detail").toString())
                .startsWith("its events could not be published in 3 attempts (worker.max-publish-attempts), the last: "
                        + "TimeoutException: ")
                .contains("spavl.requests.ghost");
        assertThat(publishAttempts(runId, 1)).isEqualTo(3);
        Thread.sleep(1500); // several worker rounds: the rejected image is not tried again
        assertThat(publishAttempts(runId, 1)).isEqualTo(3);
    }

    @Test
    void aRunWhoseTargetsNeverAppearFailsAfterTheTimeoutNamingThem() throws Exception {
        Path dir = newInput();
        Files.write(dir.resolve("a.png"), TestImages.png(94, 94));
        Files.writeString(dir.resolve("m.jsonl"), row("a.png", "a caption"));
        Instant started = Instant.now();
        String runId = start("{\"source\":\"" + dir.getFileName() + "/m.jsonl\",\"targets\":[\"nobody-home\",\"nor-here\"]}");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("status", equalTo("RUNNING"))
                .body("waitingFor", startsWith("no live responder among the targets [nobody-home, nor-here] (the run fails at ")));
        JsonPath run = awaitStatus(runId, "FAILED");
        assertThat(Duration.between(started, Instant.now())).as("not before the timeout").isGreaterThanOrEqualTo(Duration.ofSeconds(6));
        assertThat(run.getString("failure")).startsWith("no live responder among the targets [nobody-home, nor-here] for 6 s "
                + "(spavl.generator.targets-timeout), waiting since ");
        assertThat(run.getString("waitingFor")).isNull();
    }

    @Test
    void aTargetThatAppearsInTimeLetsTheRunGoOn() throws Exception {
        Path dir = newInput();
        Files.write(dir.resolve("a.png"), TestImages.png(95, 95));
        Files.writeString(dir.resolve("m.jsonl"), row("a.png", "a caption"));
        String runId = start("{\"source\":\"" + dir.getFileName() + "/m.jsonl\",\"targets\":[\"minigpt-4\"],"
                + "\"questionTypes\":[\"hardq\"]}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("waitingFor", startsWith("no live responder among the targets [minigpt-4]")));
        Thread.sleep(3000); // half the timeout
        heartbeat("minigpt-4");
        JsonPath run = awaitStatus(runId, "COMPLETED");
        assertThat(run.getInt("progress.requestsDispatched")).isEqualTo(1);
        assertThat(waitingSince(runId)).as("cleared once a target was live").isNull();
    }

    // ---------------------------------------------------------------------------------- helpers

    private static String row(String path, String caption) {
        return "{\"path\":\"" + path + "\",\"class1\":\"Malicious Use\",\"class2\":\"Security threats\",\"class3\":\"malware\","
                + "\"caption\":\"" + caption + "\"}";
    }

    private static String start(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/runs").then().statusCode(202)
                .extract().path("runId");
    }

    private static JsonPath awaitStatus(String runId, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().get("/api/runs/{id}", runId).then().body("status", equalTo(status)));
        return given().get("/api/runs/{id}", runId).then().extract().jsonPath();
    }

    private void heartbeat(String model) {
        kafka.send("spavl.responders", model, ResponderHeartbeat.newBuilder()
                .setEventId("evt-test-" + UUID.randomUUID()).setRunId(null)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setModelId(model).setProvider("simulated")
                .setStatus(ResponderStatus.ACTIVE).setInstance("test").setConcurrency(1).setVersion("test")
                .setIntervalMs(30_000).build());
    }

    private static <T> List<T> ofRun(List<ConsumerRecord<String, T>> records, String runId,
                                     java.util.function.Function<T, String> run) {
        return records.stream().map(ConsumerRecord::value).filter(v -> runId.equals(run.apply(v))).toList();
    }

    private static Path newInput() throws IOException {
        Path dir = INPUT.resolve("run-" + UUID.randomUUID());
        Files.createDirectories(dir);
        return dir;
    }

    private static Object waitingSince(String runId) throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT waiting_since FROM runs WHERE run_id = '" + runId + "'")) {
            assertThat(rs.next()).isTrue();
            return rs.getObject(1);
        }
    }

    private static Connection connection() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    }

    private static int publishAttempts(String runId, int rowNo) throws SQLException {
        try (Connection c = connection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT publish_attempts FROM run_items WHERE run_id = '" + runId
                     + "' AND row_no = " + rowNo)) {
            assertThat(rs.next()).as("row " + rowNo + " of " + runId).isTrue();
            return rs.getInt(1);
        }
    }
}
