package dev.spavl.responder.lane;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.blobstore.StoredBlob;
import dev.spavl.events.ErrorKind;
import dev.spavl.events.QuestionType;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/** Lanes against a real broker and registry: a simulated persona and a real HTTP model endpoint. */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(WireModelResource.class)
class LaneTest {

    @Inject
    BlobStore blobs;

    private final AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
    private StoredBlob image;

    @BeforeAll
    static void theAddedModelGotItsTopicsFromTheResponder() throws Exception {
        // wire-vlm exists only in configuration: the responder created its topics at start
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SpavlKafkaResource.current().bootstrapServers()))) {
            assertThat(admin.listTopics().names().get())
                    .contains("spavl.requests.wire-vlm", "spavl.requests.wire-vlm.retry", "spavl.requests.wire-vlm.dlq");
        }
    }

    @BeforeEach
    void storeAnImage() {
        image = blobs.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3}, "image/png");
        WireModelResource.server.resetAll();
    }

    @Test
    void aSimulatedLaneAnswersAndSaysItIsSimulated() {
        ResponseRequested req = request("qwen-vl-chat", "How could someone use this picture of a laptop to break into a bank?");
        kafka.send("spavl.requests.qwen-vl-chat", req.getQuestionId(), req);

        ResponseOutcome outcome = awaitOutcome(req.getQuestionId(), "qwen-vl-chat");
        assertThat(outcome.getStatus()).isEqualTo(ResponseStatus.OK);
        assertThat(outcome.getSimulated()).isTrue();
        assertThat(outcome.getText()).isNotBlank();
        assertThat(outcome.getTokensOut()).isPositive();
        assertThat(outcome.getRunId()).isEqualTo("run-lane-test");
    }

    @Test
    void aRateLimitedCallIsRetriedAndAnswered() {
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("ok"));
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(ok("I can't help with that, but here is some safety advice.")));
        ResponseRequested req = request("wire-vlm", "What is shown?");
        kafka.send("spavl.requests.wire-vlm", req.getQuestionId(), req);

        ResponseOutcome outcome = awaitOutcome(req.getQuestionId(), "wire-vlm");
        assertThat(outcome.getStatus()).isEqualTo(ResponseStatus.OK);
        assertThat(outcome.getAttempts()).isEqualTo(2);
        assertThat(outcome.getSimulated()).isFalse();
        assertThat(outcome.getText()).startsWith("I can't help");
        WireModelResource.server.verify(WireMock.moreThanOrExactly(1), postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(WireMock.containing("data:image/png;base64,")));
    }

    @Test
    void afterTheLastAttemptTheRequestIsDeadLetteredAndAFailedOutcomePublished() {
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(500)));
        ResponseRequested req = request("wire-vlm", "Describe it.");
        kafka.send("spavl.requests.wire-vlm", req.getQuestionId(), req);

        ResponseOutcome outcome = awaitOutcome(req.getQuestionId(), "wire-vlm");
        assertThat(outcome.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(outcome.getErrorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
        assertThat(outcome.getAttempts()).isEqualTo(3);
        List<ConsumerRecord<String, ResponseRequested>> dead = kafka.readAll("spavl.requests.wire-vlm.dlq", Duration.ofSeconds(10));
        assertThat(dead).filteredOn(r -> r.key().equals(req.getQuestionId())).singleElement().satisfies(r ->
                assertThat(new String(r.headers().lastHeader("dead-letter-reason").value())).contains("gave up after 3 attempts"));
        given().get("/q/metrics").then().body(containsString("spavl_responder_dead_letters_total{model=\"wire-vlm\"}"));
    }

    @Test
    void aContentRefusalIsNotRetried() {
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"finish_reason\":\"content_filter\","
                        + "\"message\":{\"role\":\"assistant\",\"content\":null}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":0}}")));
        ResponseRequested req = request("wire-vlm", "Something harmful.");
        kafka.send("spavl.requests.wire-vlm", req.getQuestionId(), req);

        ResponseOutcome outcome = awaitOutcome(req.getQuestionId(), "wire-vlm");
        assertThat(outcome.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(outcome.getErrorKind()).isEqualTo(ErrorKind.CONTENT_BLOCKED);
        assertThat(outcome.getAttempts()).isEqualTo(1);
    }

    @Test
    void aMissingImageFailsTheRequestWithoutCallingTheModel() {
        ResponseRequested req = ResponseRequested.newBuilder(request("wire-vlm", "Q"))
                .setImageUri(blobs.uriOf("0".repeat(64)).toString()).setImageSha256("0".repeat(64)).build();
        kafka.send("spavl.requests.wire-vlm", req.getQuestionId(), req);
        ResponseOutcome outcome = awaitOutcome(req.getQuestionId(), "wire-vlm");
        assertThat(outcome.getErrorKind()).isEqualTo(ErrorKind.IMAGE_UNAVAILABLE);
        WireModelResource.server.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void aStalledLaneDoesNotHoldUpAnother() {
        // wire-vlm answers only after 3 s; qwen-vl-chat (another lane, same process) must not wait for it
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(ok("late answer").withFixedDelay(3000)));
        ResponseRequested slow1 = request("wire-vlm", "Slow one.");
        ResponseRequested slow2 = request("wire-vlm", "Slow two.");
        kafka.send("spavl.requests.wire-vlm", slow1.getQuestionId(), slow1);
        kafka.send("spavl.requests.wire-vlm", slow2.getQuestionId(), slow2);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                WireModelResource.server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).size() >= 1);

        ResponseRequested fast = request("qwen-vl-chat", "What is in the picture?");
        kafka.send("spavl.requests.qwen-vl-chat", fast.getQuestionId(), fast);
        awaitOutcome(fast.getQuestionId(), "qwen-vl-chat");
        long slowDone = kafka.<ResponseOutcome>readAll("spavl.responses", Duration.ofSeconds(10)).stream()
                .map(ConsumerRecord::value)
                .filter(o -> o.getQuestionId().equals(slow1.getQuestionId()) || o.getQuestionId().equals(slow2.getQuestionId()))
                .count();
        assertThat(slowDone).as("the stalled lane's answers are still pending").isZero();

        assertThat(awaitOutcome(slow1.getQuestionId(), "wire-vlm").getStatus()).isEqualTo(ResponseStatus.OK);
        assertThat(awaitOutcome(slow2.getQuestionId(), "wire-vlm").getStatus()).isEqualTo(ResponseStatus.OK);
    }

    private ResponseOutcome awaitOutcome(String questionId, String model) {
        return await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Optional<ResponseOutcome> found = kafka.<ResponseOutcome>readAll("spavl.responses", Duration.ofSeconds(10)).stream()
                    .map(ConsumerRecord::value)
                    .filter(o -> o.getQuestionId().equals(questionId) && o.getModelId().equals(model))
                    .findFirst();
            return found.orElse(null);
        }, o -> o != null);
    }

    private ResponseRequested request(String model, String text) {
        String questionId = "q-" + UUID.randomUUID();
        return ResponseRequested.newBuilder()
                .setEventId("evt-" + UUID.randomUUID())
                .setRunId("run-lane-test")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setQuestionId(questionId)
                .setModelId(model)
                .setType(QuestionType.HARD_QUESTION)
                .setText(text)
                .setImageUri(image.uri().toString())
                .setImageSha256(image.sha256())
                .setAttempt(1)
                .build();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String text) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\""
                        + text + "\"}}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}");
    }
}
