package dev.spavl.modelclients;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.spavl.modelclients.TestSupport.API_KEY;
import static dev.spavl.modelclients.TestSupport.PNG;
import static dev.spavl.modelclients.TestSupport.await;
import static dev.spavl.modelclients.TestSupport.awaitFailure;
import static dev.spavl.modelclients.TestSupport.bodyOf;
import static dev.spavl.modelclients.TestSupport.onlyRequest;
import static dev.spavl.modelclients.TestSupport.pngBase64;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.spavl.responder.starter.ModelFailure.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnthropicChatModelTest {

    private static final String PATH = "/v1/messages";
    private static final String MODEL = "claude-sonnet-4-5";
    private static final String OK_BODY = """
            {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[{"type":"text","text":"A bridge "},{"type":"text","text":"at dusk."}],
             "stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":1534,"output_tokens":8}}""";

    private static WireMockServer server;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        server = TestSupport.startServer();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
    }

    private ChatModel model(Duration timeout) {
        return ChatModels.create(vertx,
                new ModelEndpoint("anthropic", URI.create(server.baseUrl() + "/"), API_KEY, timeout));
    }

    private ChatModel model() {
        return model(Duration.ofSeconds(5));
    }

    private static ChatRequest imageRequest() {
        return new ChatRequest(MODEL, "You label images.", "What is this?",
                new ImageInput(PNG, "image/png"), new Decoding(0.3, 1.0, 512));
    }

    @Test
    void successWithImageSendsBase64BlockAndParsesResult() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(OK_BODY)));

        ChatResult result = await(model().complete(imageRequest()));

        assertThat(result.text()).isEqualTo("A bridge at dusk.");
        assertThat(result.finishReason()).isEqualTo("end_turn");
        assertThat(result.tokensIn()).isEqualTo(1534);
        assertThat(result.tokensOut()).isEqualTo(8);
        assertThat(result.rawModel()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(result.latency()).isPositive();

        LoggedRequest sent = onlyRequest(server);
        assertThat(sent.getHeader("x-api-key")).isEqualTo(API_KEY);
        assertThat(sent.getHeader("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.containsHeader("Authorization")).isFalse();
        JsonObject body = bodyOf(sent);
        assertThat(body.getString("model")).isEqualTo(MODEL);
        assertThat(body.getString("system")).isEqualTo("You label images.");
        assertThat(body.getInteger("max_tokens")).isEqualTo(512);
        assertThat(body.getDouble("temperature")).isEqualTo(0.3);
        assertThat(body.containsKey("top_p")).as("top_p 1.0 is left out").isFalse();
        JsonObject message = body.getJsonArray("messages").getJsonObject(0);
        assertThat(message.getString("role")).isEqualTo("user");
        JsonArray content = message.getJsonArray("content");
        JsonObject image = content.getJsonObject(0);
        assertThat(image.getString("type")).isEqualTo("image");
        assertThat(image.getJsonObject("source").getString("type")).isEqualTo("base64");
        assertThat(image.getJsonObject("source").getString("media_type")).isEqualTo("image/png");
        assertThat(image.getJsonObject("source").getString("data")).isEqualTo(pngBase64());
        assertThat(content.getJsonObject(1).getString("type")).isEqualTo("text");
        assertThat(content.getJsonObject(1).getString("text")).isEqualTo("What is this?");
    }

    @Test
    void restrictingTopPIsSentAndNonTextBlocksAreSkipped() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("""
                {"model":"claude-x","content":[{"type":"thinking","thinking":"hmm","signature":"s"},
                  {"type":"text","text":"Done."}],"stop_reason":"max_tokens","usage":{"input_tokens":5,"output_tokens":9}}""")));

        ChatResult result = await(model().complete(new ChatRequest(MODEL, null, "Hi", null, new Decoding(1.0, 0.8, 64))));

        assertThat(result.text()).isEqualTo("Done.");
        assertThat(result.truncated()).isTrue();
        JsonObject body = bodyOf(onlyRequest(server));
        assertThat(body.getDouble("top_p")).isEqualTo(0.8);
        assertThat(body.containsKey("system")).isFalse();
    }

    @Test
    void rateLimitedCarriesRetryAfterHttpDate() {
        String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", in30s)
                .withBody("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                        + "\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).hasValueSatisfying(d ->
                assertThat(d).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(31)));
        assertThat(e.getMessage()).contains("anthropic", MODEL, "429", "rate limit");
    }

    @Test
    void serverErrorsAreRetryable() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(500)
                .withBody("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}")));
        ModelCallException e500 = awaitFailure(model().complete(imageRequest()));

        server.resetAll();
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(529)
                .withBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));
        ModelCallException e529 = awaitFailure(model().complete(imageRequest()));

        assertThat(e500.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e500.retryable()).isTrue();
        assertThat(e529.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e529.getMessage()).contains("529", "Overloaded");
    }

    @Test
    void slowResponseTimesOut() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(OK_BODY).withFixedDelay(3_000)));

        long start = System.nanoTime();
        ModelCallException e = awaitFailure(model(Duration.ofMillis(300)).complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.retryable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void malformedBodyIsInvalidOutput() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"content\": [{\"type\": \"text\", \"te")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_OUTPUT);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void missingContentIsInvalidOutput() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("{\"type\":\"message\",\"stop_reason\":\"end_turn\"}")));

        assertThat(awaitFailure(model().complete(imageRequest())).kind()).isEqualTo(Kind.INVALID_OUTPUT);
    }

    @Test
    void refusalStopReasonIsContentBlocked() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("""
                {"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                 "content":[],"stop_reason":"refusal","usage":{"input_tokens":1534,"output_tokens":0}}""")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.CONTENT_BLOCKED);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("refusal");
    }

    @Test
    void authErrorIsClientErrorWithoutTheKey() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(401).withBody(
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key "
                        + API_KEY + "\"}}")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.CLIENT_ERROR);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("401", "authentication_error", "[REDACTED]");
    }
}
