package dev.spavl.modelclients;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GeminiChatModelTest {

    private static final String MODEL = "gemini-2.0-flash";
    private static final String PATH = "/v1beta/models/" + MODEL + ":generateContent";
    private static final String OK_BODY = """
            {"candidates":[{"content":{"role":"model","parts":[{"text":"A dog "},{"text":"on a beach."}]},
              "finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":271,"candidatesTokenCount":6,"totalTokenCount":277},
             "modelVersion":"gemini-2.0-flash-001"}""";

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
        return ChatModels.create(vertx, new ModelEndpoint("gemini", URI.create(server.baseUrl()), API_KEY, timeout));
    }

    private ChatModel model() {
        return model(Duration.ofSeconds(5));
    }

    private static ChatRequest imageRequest() {
        return new ChatRequest(MODEL, "Answer in one sentence.", "Describe the image.",
                new ImageInput(PNG, "image/jpeg"), new Decoding(0.4, 0.95, 300));
    }

    @Test
    void successWithImageSendsInlineDataAndParsesResult() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(OK_BODY)));

        ChatResult result = await(model().complete(imageRequest()));

        assertThat(result.text()).isEqualTo("A dog on a beach.");
        assertThat(result.finishReason()).isEqualTo("STOP");
        assertThat(result.tokensIn()).isEqualTo(271);
        assertThat(result.tokensOut()).isEqualTo(6);
        assertThat(result.rawModel()).isEqualTo("gemini-2.0-flash-001");
        assertThat(result.latency()).isPositive();

        LoggedRequest sent = onlyRequest(server);
        assertThat(sent.getUrl()).isEqualTo(PATH); // no ?key= in the URL
        assertThat(sent.getHeader("x-goog-api-key")).isEqualTo(API_KEY);
        assertThat(sent.containsHeader("Authorization")).isFalse();
        JsonObject body = bodyOf(sent);
        JsonObject content = body.getJsonArray("contents").getJsonObject(0);
        assertThat(content.getString("role")).isEqualTo("user");
        JsonArray parts = content.getJsonArray("parts");
        JsonObject inline = parts.getJsonObject(0).getJsonObject("inline_data");
        assertThat(inline.getString("mime_type")).isEqualTo("image/jpeg");
        assertThat(inline.getString("data")).isEqualTo(pngBase64());
        assertThat(parts.getJsonObject(1).getString("text")).isEqualTo("Describe the image.");
        assertThat(body.getJsonObject("systemInstruction").getJsonArray("parts").getJsonObject(0).getString("text"))
                .isEqualTo("Answer in one sentence.");
        JsonObject config = body.getJsonObject("generationConfig");
        assertThat(config.getDouble("temperature")).isEqualTo(0.4);
        assertThat(config.getDouble("topP")).isEqualTo(0.95);
        assertThat(config.getInteger("maxOutputTokens")).isEqualTo(300);
    }

    @Test
    void resourceNameModelAndThoughtPartsAreHandled() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson("""
                {"candidates":[{"content":{"parts":[{"text":"thinking...","thought":true},{"text":"Answer."}]},
                  "finishReason":"MAX_TOKENS"}]}""")));

        ChatResult result = await(model().complete(
                new ChatRequest("models/" + MODEL, null, "Describe.", null, Decoding.defaults())));

        assertThat(result.text()).isEqualTo("Answer.");
        assertThat(result.truncated()).isTrue();
        assertThat(result.tokensIn()).isZero();
        assertThat(result.rawModel()).isEqualTo("models/" + MODEL);
        assertThat(bodyOf(onlyRequest(server)).containsKey("systemInstruction")).isFalse();
    }

    @Test
    void rateLimitedCarriesRetryAfterHeader() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "12")
                .withBody("{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted (e.g. check quota).\","
                        + "\"status\":\"RESOURCE_EXHAUSTED\"}}")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(12));
        assertThat(e.getMessage()).contains("gemini", MODEL, "429", "Resource has been exhausted");
    }

    @Test
    void rateLimitedWithoutHeaderUsesRetryInfoFromBody() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(429).withBody("""
                {"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED",
                  "details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[]},
                             {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}""")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(37));
    }

    @Test
    void serverErrorIsRetryable() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(500).withBody(
                "{\"error\":{\"code\":500,\"message\":\"An internal error has occurred.\",\"status\":\"INTERNAL\"}}")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.retryable()).isTrue();
        assertThat(e.httpStatus()).hasValue(500);
    }

    @Test
    void slowResponseTimesOut() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(OK_BODY).withFixedDelay(3_000)));

        long start = System.nanoTime();
        ModelCallException e = awaitFailure(model(Duration.ofMillis(300)).complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.retryable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void malformedBodyIsInvalidOutput() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html><body>Bad gateway page</body></html>")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_OUTPUT);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("<html>");
    }

    @Test
    void missingCandidatesIsInvalidOutput() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson("{\"usageMetadata\":{\"promptTokenCount\":3}}")));

        assertThat(awaitFailure(model().complete(imageRequest())).kind()).isEqualTo(Kind.INVALID_OUTPUT);
    }

    @Test
    void blockedPromptIsContentBlocked() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson("""
                {"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[
                  {"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH"}]},
                 "usageMetadata":{"promptTokenCount":271,"totalTokenCount":271}}""")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.CONTENT_BLOCKED);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("SAFETY");
    }

    @Test
    void safetyFinishReasonIsContentBlocked() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson("""
                {"candidates":[{"finishReason":"SAFETY","index":0,"safetyRatings":[
                  {"category":"HARM_CATEGORY_HARASSMENT","probability":"MEDIUM","blocked":true}]}]}""")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.CONTENT_BLOCKED);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void invalidKeyIsClientErrorWithoutTheKey() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":{\"code\":400,\"message\":\"API key not valid: " + API_KEY + "\","
                        + "\"status\":\"INVALID_ARGUMENT\"}}")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.CLIENT_ERROR);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("400", "API key not valid: [REDACTED]");
    }
}
