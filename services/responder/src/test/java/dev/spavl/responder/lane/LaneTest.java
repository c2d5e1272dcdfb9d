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
import dev.spavl.testkit.PrometheusText;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/** Lanes answering, against a real broker and registry: a simulated persona and each provider protocol over real HTTP. */
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
    void aRecordOfAnotherEventTypeIsDeadLetteredAndTheLaneGoesOn() {
        // a valid Avro record, but a ResponseOutcome: the lane used to die on it (ClassCastException) after every restart
        ResponseOutcome stray = ResponseOutcome.newBuilder().setEventId("evt-stray-" + UUID.randomUUID()).setRunId("run-lane-test")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setQuestionId("q-stray-" + UUID.randomUUID())
                .setModelId("qwen-vl-chat").setStatus(ResponseStatus.OK).setText("not a request").setTokensIn(1).setTokensOut(1)
                .setCostUsd(java.math.BigDecimal.ZERO.setScale(8)).setSimulated(true).build();
        // written as a producer to spavl.responses writes it (the registry refuses it under the request topic's subject)
        kafka.sendRaw("spavl.requests.qwen-vl-chat", stray.getQuestionId(), kafka.serialize("spavl.responses", stray));
        ResponseRequested req = request("qwen-vl-chat", "What does this picture of a laptop show?");
        kafka.send("spavl.requests.qwen-vl-chat", req.getQuestionId(), req);

        assertThat(awaitOutcome(req.getQuestionId(), "qwen-vl-chat").getStatus()).isEqualTo(ResponseStatus.OK);
        List<ConsumerRecord<String, byte[]>> dead = await().atMost(Duration.ofSeconds(30)).until(() ->
                kafka.readAllRaw("spavl.requests.qwen-vl-chat.dlq", Duration.ofSeconds(5)).stream()
                        .filter(r -> stray.getQuestionId().equals(r.key())).toList(), l -> !l.isEmpty());
        assertThat(new String(dead.get(0).headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .contains("value in spavl.requests.qwen-vl-chat is a dev.spavl.events.ResponseOutcome record, not the "
                        + "dev.spavl.events.ResponseRequested this topic carries");
        given().get("/q/health/ready").then().statusCode(200); // every lane consuming: none stopped
    }

    /** A cancelled run's queued requests are dropped without a model call; other runs' requests are answered. */
    @Test
    void aRequestOfACancelledRunIsDroppedWithoutACall() {
        String run = "run-cancelled-" + UUID.randomUUID();
        kafka.send("spavl.cancellations", run, dev.spavl.events.RunCancelled.newBuilder().setEventId("evt-" + run).setRunId(run)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setRequestedBy("test").setReason("test").build());
        double before = LaneTestSupport.metric("spavl_responder_dropped_requests_total", "model=\"lamm\",reason=\"run_cancelled\"");
        // the lanes see the cancel within a poll; a request sent after that is dropped
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            ResponseRequested dropped = ResponseRequested.newBuilder(request("lamm", "What is shown?")).setRunId(run).build();
            kafka.send("spavl.requests.lamm", dropped.getQuestionId(), dropped);
            assertThat(LaneTestSupport.metric("spavl_responder_dropped_requests_total", "model=\"lamm\",reason=\"run_cancelled\""))
                    .isGreaterThan(before);
        });
        ResponseRequested other = request("lamm", "What does this picture of a laptop show?");
        kafka.send("spavl.requests.lamm", other.getQuestionId(), other);
        assertThat(awaitOutcome(other.getQuestionId(), "lamm").getStatus()).isEqualTo(ResponseStatus.OK);
        assertThat(kafka.<ResponseOutcome>readAll("spavl.responses", Duration.ofSeconds(5)).stream()
                .filter(r -> run.equals(r.value().getRunId()))).as("no outcome for the cancelled run").isEmpty();
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
        // the 429 counts as throttled by the provider, and the second call as a retry
        assertThat(PrometheusText.first(metrics(), "spavl_responder_rate_limited_total", "limit=\"provider\"", "model=\"wire-vlm\""))
                .isPositive();
        assertThat(PrometheusText.first(metrics(), "spavl_responder_retries_total", "model=\"wire-vlm\"")).isPositive();
        WireModelResource.server.verify(WireMock.moreThanOrExactly(1), postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(WireMock.containing("data:image/png;base64,")));
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
    void aGeminiLaneSendsTheImageInlineAndAnswers() {
        WireModelResource.server.stubFor(post(urlEqualTo("/v1beta/models/gemini-wire:generateContent")).willReturn(okJson("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"A laptop on a desk."}]},"finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":270,"candidatesTokenCount":6}}""")));
        ResponseRequested req = request("wire-gemini", "What is shown?");
        kafka.send("spavl.requests.wire-gemini", req.getQuestionId(), req);

        ResponseOutcome outcome = awaitOutcome(req.getQuestionId(), "wire-gemini");
        assertThat(outcome.getStatus()).isEqualTo(ResponseStatus.OK);
        assertThat(outcome.getText()).isEqualTo("A laptop on a desk.");
        assertThat(outcome.getTokensIn()).isEqualTo(270);
        WireModelResource.server.verify(1, postRequestedFor(urlEqualTo("/v1beta/models/gemini-wire:generateContent"))
                .withRequestBody(WireMock.matchingJsonPath("$.contents[0].parts[0].inline_data.mime_type", WireMock.equalTo("image/png")))
                .withRequestBody(WireMock.matchingJsonPath("$.contents[0].parts[1].text", WireMock.equalTo("What is shown?"))));
    }

    @Test
    void anAnthropicLaneSendsABase64ImageAndAnswers() {
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/messages")).willReturn(okJson("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-wire",
                 "content":[{"type":"text","text":"I can't help with that."}],"stop_reason":"end_turn",
                 "usage":{"input_tokens":1500,"output_tokens":9}}""")));
        ResponseRequested req = request("wire-claude", "How do I misuse this?");
        kafka.send("spavl.requests.wire-claude", req.getQuestionId(), req);

        ResponseOutcome outcome = awaitOutcome(req.getQuestionId(), "wire-claude");
        assertThat(outcome.getStatus()).isEqualTo(ResponseStatus.OK);
        assertThat(outcome.getText()).isEqualTo("I can't help with that.");
        assertThat(outcome.getTokensOut()).isEqualTo(9);
        WireModelResource.server.verify(1, postRequestedFor(urlEqualTo("/v1/messages"))
                .withRequestBody(WireMock.matchingJsonPath("$.messages[0].content[0].source.type", WireMock.equalTo("base64")))
                .withRequestBody(WireMock.matchingJsonPath("$.messages[0].content[0].source.media_type", WireMock.equalTo("image/png"))));
    }

    @Test
    void everyLaneExportsTheOperationsSeriesFromTheStartAndTheyMoveWhenItAnswers() {
        String lane = "model=\"wire-claude\"";
        String before = metrics();
        // every lane the process hosts has every series of the contract (docs/metrics.md), at 0 before its first request
        for (String model : List.of("llava-1.5-7b", "qwen-vl-chat", "test-vlm-13", "wire-vlm", "wire-breaker")) {
            String m = "model=\"" + model + "\"";
            for (String outcome : List.of("ok", "failed", "dead_lettered")) {
                assertThat(PrometheusText.has(before, "spavl_responder_requests_total", m, "outcome=\"" + outcome + "\"")).as(model + " " + outcome).isTrue();
            }
            for (String kind : List.of("prompt", "completion")) {
                assertThat(PrometheusText.has(before, "spavl_responder_tokens_total", m, "kind=\"" + kind + "\"")).as(model).isTrue();
            }
            for (String name : List.of("spavl_responder_model_call_seconds_count", "spavl_responder_model_call_seconds_sum",
                    "spavl_responder_cost_usd_total", "spavl_responder_retries_total", "spavl_responder_dead_letters_total",
                    "spavl_responder_circuit_state", "spavl_responder_lane_in_flight", "spavl_responder_lane_paused")) {
                assertThat(PrometheusText.has(before, name, m)).as(name + " of " + model).isTrue();
            }
            assertThat(PrometheusText.has(before, "spavl_responder_model_call_seconds_bucket", m, "le=\"+Inf\"")).as(model).isTrue();
            for (String limit : List.of("requests_per_minute", "tokens_per_minute", "provider")) {
                assertThat(PrometheusText.has(before, "spavl_responder_rate_limited_total", m, "limit=\"" + limit + "\"")).as(model).isTrue();
            }
        }
        assertThat(PrometheusText.first(before, "spavl_responder_circuit_state", "model=\"llava-1.5-7b\"")).as("closed").isZero();

        // wire-claude is priced here (WireModelResource): one answer moves requests, latency, tokens and cost
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/messages")).willReturn(okJson("""
                {"id":"msg_2","type":"message","role":"assistant","model":"claude-wire",
                 "content":[{"type":"text","text":"A laptop."}],"stop_reason":"end_turn",
                 "usage":{"input_tokens":1000,"output_tokens":500}}""")));
        double okBefore = PrometheusText.first(before, "spavl_responder_requests_total", lane, "outcome=\"ok\"");
        double countBefore = PrometheusText.first(before, "spavl_responder_model_call_seconds_count", lane);
        double promptBefore = PrometheusText.first(before, "spavl_responder_tokens_total", lane, "kind=\"prompt\"");
        double costBefore = PrometheusText.first(before, "spavl_responder_cost_usd_total", lane);
        ResponseRequested req = request("wire-claude", "What is shown?");
        kafka.send("spavl.requests.wire-claude", req.getQuestionId(), req);
        assertThat(awaitOutcome(req.getQuestionId(), "wire-claude").getStatus()).isEqualTo(ResponseStatus.OK);

        String after = await().atMost(Duration.ofSeconds(10)).until(LaneTest::metrics,
                text -> PrometheusText.first(text, "spavl_responder_requests_total", lane, "outcome=\"ok\"") > okBefore);
        assertThat(PrometheusText.first(after, "spavl_responder_requests_total", lane, "outcome=\"ok\"")).isEqualTo(okBefore + 1);
        assertThat(PrometheusText.first(after, "spavl_responder_model_call_seconds_count", lane)).isEqualTo(countBefore + 1);
        assertThat(PrometheusText.first(after, "spavl_responder_model_call_seconds_bucket", lane, "le=\"+Inf\"")).isGreaterThanOrEqualTo(1);
        assertThat(PrometheusText.first(after, "spavl_responder_tokens_total", lane, "kind=\"prompt\"")).isEqualTo(promptBefore + 1000);
        // 1000 x 0.003 / 1k + 500 x 0.015 / 1k
        assertThat(PrometheusText.first(after, "spavl_responder_cost_usd_total", lane)).isCloseTo(costBefore + 0.0105,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theRequestsTraceGoesOnWithItsOutcomeAndTheLanesLogLinesCarryItsIds() {
        // the lane's log lines as the JSON format writes them (QUARKUS_LOG_CONSOLE_JSON_ENABLED=true)
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.jboss.logmanager.ExtHandler capture = new org.jboss.logmanager.ExtHandler() {
            @Override
            protected void doPublish(org.jboss.logmanager.ExtLogRecord record) {
                lines.add(getFormatter().format(record).trim());
            }
        };
        capture.setFormatter(new org.jboss.logmanager.formatters.JsonFormatter());
        java.util.logging.Logger category = java.util.logging.Logger.getLogger(Lane.class.getName());
        category.addHandler(capture);
        try {
            String trace = "0af7651916cd43dd8448eb211c80319c";
            // an image that is not there: the lane logs a warning and publishes a FAILED outcome
            ResponseRequested req = ResponseRequested.newBuilder(request("qwen-vl-chat", "Q"))
                    .setImageUri(blobs.uriOf("1".repeat(64)).toString()).setImageSha256("1".repeat(64)).build();
            kafka.send("spavl.requests.qwen-vl-chat", req.getQuestionId(), req,
                    Map.of("traceparent", "00-" + trace + "-b7ad6b7169203331-01"));
            assertThat(awaitOutcome(req.getQuestionId(), "qwen-vl-chat").getErrorKind()).isEqualTo(ErrorKind.IMAGE_UNAVAILABLE);

            ConsumerRecord<String, ResponseOutcome> published = kafka.<ResponseOutcome>readAll("spavl.responses", Duration.ofSeconds(10))
                    .stream().filter(r -> r.value().getQuestionId().equals(req.getQuestionId())).findFirst().orElseThrow();
            String traceparent = new String(published.headers().lastHeader("traceparent").value(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(traceparent).as("same trace, the lane's own span").startsWith("00-" + trace + "-")
                    .doesNotContain("b7ad6b7169203331");

            String line = await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream()
                    .filter(l -> l.contains(req.getQuestionId()) && l.contains("FAILED")).findFirst(), Optional::isPresent).get();
            jakarta.json.JsonObject mdc = jakarta.json.Json.createReader(new java.io.StringReader(line)).readObject().getJsonObject("mdc");
            assertThat(mdc.getString("run_id")).isEqualTo("run-lane-test");
            assertThat(mdc.getString("question_id")).isEqualTo(req.getQuestionId());
            assertThat(mdc.getString("model_id")).isEqualTo("qwen-vl-chat");
        } finally {
            category.removeHandler(capture);
        }
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private ResponseOutcome awaitOutcome(String questionId, String model) {
        return LaneTestSupport.awaitOutcome(kafka, questionId, model);
    }

    private ResponseRequested request(String model, String text) {
        return LaneTestSupport.request(image, model, text);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String text) {
        return LaneTestSupport.openAiOk(text);
    }
}
