package dev.spavl.generator.service;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponderStatus;
import dev.spavl.events.ResponseRequested;
import dev.spavl.generator.intake.TestImages;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
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

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A row PostgreSQL refuses on its own no longer holds back its round: the prompt model (a real OpenAI-compatible HTTP
 * server on loopback) writes a question with a NUL character for one image, which PostgreSQL's text cannot hold. The
 * round's rows are then stored one transaction each: the other images go on, and that one is tried again next round,
 * then rejected (STORE_FAILED) with the database's reason. Before, the whole round failed every time and the run
 * never finished.
 */
@QuarkusTest
@TestProfile(RowStoreFailureTest.ModelWriter.class)
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class RowStoreFailureTest {

    /** Its own application (a profile), so that the other tests keep the offline writer. */
    public static class ModelWriter implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PromptModel.class));
        }
    }

    /** The prompt model: a NUL in the question it writes for the image captioned "POISON-ROW". */
    public static class PromptModel implements QuarkusTestResourceLifecycleManager {
        private WireMockServer server;

        @Override
        public Map<String, String> start() {
            server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            server.start();
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).willReturn(reply("What is shown here?")));
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1).withRequestBody(containing("POISON-ROW"))
                    .willReturn(reply("What is \\u0000 shown here?")));
            return Map.of(
                    "spavl.generator.writer.provider", "openai",
                    "spavl.generator.writer.base-url", "http://127.0.0.1:" + server.port() + "/v1",
                    "spavl.generator.writer.vision-model", "vision-model",
                    "spavl.generator.writer.max-attempts", "1",
                    "spavl.generator.worker.max-item-attempts", "2",
                    "spavl.generator.worker.retry-delay", "200ms");
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop();
            }
        }

        private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder reply(String jsonText) {
            return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                    "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":"
                            + "{\"role\":\"assistant\",\"content\":\"" + jsonText + "\"}}],"
                            + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}");
        }
    }

    private final AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();

    @Test
    void aRowTheDatabaseRefusesIsRejectedWithTheReasonAndTheOthersGoOn() throws Exception {
        kafka.send("spavl.responders", "lamm", ResponderHeartbeat.newBuilder()
                .setEventId("evt-test-" + UUID.randomUUID()).setRunId(null)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setModelId("lamm").setProvider("simulated")
                .setStatus(ResponderStatus.ACTIVE).setInstance("test").setConcurrency(1).setVersion("test")
                .setIntervalMs(30_000).build());
        Path dir = Path.of("target/test-input").resolve("run-" + UUID.randomUUID());
        Files.createDirectories(dir);
        Files.write(dir.resolve("a.png"), TestImages.png(90, 90));
        Files.write(dir.resolve("b.png"), TestImages.png(91, 91));
        Files.write(dir.resolve("c.png"), TestImages.png(92, 92));
        Files.writeString(dir.resolve("m.jsonl"), String.join("\n",
                row("a.png", "a laptop on a desk"), row("b.png", "POISON-ROW"), row("c.png", "a router")));

        String runId = given().contentType(ContentType.JSON)
                .body("{\"source\":\"" + dir.getFileName() + "/m.jsonl\",\"targets\":[\"lamm\"],\"questionTypes\":[\"easy\"]}")
                .post("/api/runs").then().statusCode(202).extract().path("runId");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().get("/api/runs/{id}", runId).then().body("status", equalTo("COMPLETED")));
        JsonPath run = given().get("/api/runs/{id}", runId).then().extract().jsonPath();
        assertThat(run.getInt("progress.imagesAccepted")).isEqualTo(2);
        assertThat(run.getInt("progress.imagesRejected")).isEqualTo(1);

        List<Map<String, Object>> rejections = given().get("/api/runs/{id}/rejections", runId).then().statusCode(200)
                .extract().jsonPath().getList("rejections");
        assertThat(rejections).singleElement().satisfies(r -> {
            assertThat(r.get("row")).isEqualTo(2);
            assertThat(r.get("reason")).isEqualTo("STORE_FAILED");
            assertThat(r.get("detail").toString()).startsWith("its rows could not be stored: ").contains("0x00")
                    .endsWith("(2 rounds)");
        });
        List<ResponseRequested> requests = kafka.<ResponseRequested>readAll("spavl.requests.lamm", Duration.ofSeconds(10))
                .stream().map(ConsumerRecord::value).filter(r -> runId.equals(r.getRunId())).toList();
        assertThat(requests).hasSize(2).extracting(ResponseRequested::getText).containsOnly("What is shown here?");
    }

    private static String row(String path, String caption) {
        return "{\"path\":\"" + path + "\",\"class1\":\"Malicious Use\",\"class2\":\"Security threats\",\"class3\":\"malware\","
                + "\"caption\":\"" + caption + "\",\"description\":\"An image for the test.\"}";
    }
}
