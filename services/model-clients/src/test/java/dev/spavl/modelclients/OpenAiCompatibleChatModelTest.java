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
import com.github.tomakehurst.wiremock.http.Fault;
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

class OpenAiCompatibleChatModelTest {

    private static final String PATH = "/v1/chat/completions";
    private static final String OK_BODY = """
            {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":"A red bicycle."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":812,"completion_tokens":5,"total_tokens":817}}""";

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

    private ChatModel model(String apiKey, Duration timeout) {
        return ChatModels.create(vertx, new ModelEndpoint("openai",
                URI.create(server.baseUrl() + "/v1/"), apiKey, timeout));
    }

    private ChatModel model() {
        return model(API_KEY, Duration.ofSeconds(5));
    }

    private static ChatRequest imageRequest() {
        return new ChatRequest("gpt-4o", "You are a careful annotator.", "What is in the picture?",
                new ImageInput(PNG, "image/png"), new Decoding(0.2, 0.9, 256));
    }

    @Test
    void successWithImageSendsDataUrlAndParsesResult() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(OK_BODY)));

        ChatResult result = await(model().complete(imageRequest()));

        assertThat(result.text()).isEqualTo("A red bicycle.");
        assertThat(result.finishReason()).isEqualTo("stop");
        assertThat(result.truncated()).isFalse();
        assertThat(result.tokensIn()).isEqualTo(812);
        assertThat(result.tokensOut()).isEqualTo(5);
        assertThat(result.rawModel()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(result.latency()).isPositive();

        LoggedRequest sent = onlyRequest(server);
        assertThat(sent.getUrl()).isEqualTo(PATH);
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + API_KEY);
        assertThat(sent.getHeader("Content-Type")).startsWith("application/json");
        JsonObject body = bodyOf(sent);
        assertThat(body.getString("model")).isEqualTo("gpt-4o");
        assertThat(body.getDouble("temperature")).isEqualTo(0.2);
        assertThat(body.getDouble("top_p")).isEqualTo(0.9);
        assertThat(body.getInteger("max_tokens")).isEqualTo(256);
        JsonArray messages = body.getJsonArray("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("system");
        assertThat(messages.getJsonObject(0).getString("content")).isEqualTo("You are a careful annotator.");
        JsonObject user = messages.getJsonObject(1);
        assertThat(user.getString("role")).isEqualTo("user");
        JsonArray parts = user.getJsonArray("content");
        assertThat(parts.getJsonObject(0).getString("type")).isEqualTo("image_url");
        assertThat(parts.getJsonObject(0).getJsonObject("image_url").getString("url"))
                .isEqualTo("data:image/png;base64," + pngBase64());
        assertThat(parts.getJsonObject(1).getString("type")).isEqualTo("text");
        assertThat(parts.getJsonObject(1).getString("text")).isEqualTo("What is in the picture?");
    }

    @Test
    void withoutKeySendsNoAuthorizationAndPlainTextContent() {
        // the shape of a local vLLM/Ollama server: no key, no usage block
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("""
                {"choices":[{"message":{"role":"assistant","content":"hi"},"finish_reason":"length"}]}""")));

        ChatResult result = await(model(null, Duration.ofSeconds(5))
                .complete(new ChatRequest("llava-hf/llava-1.5-7b-hf", null, "hello", null, null)));

        assertThat(result.text()).isEqualTo("hi");
        assertThat(result.truncated()).isTrue();
        assertThat(result.tokensIn()).isZero();
        assertThat(result.rawModel()).isEqualTo("llava-hf/llava-1.5-7b-hf");
        LoggedRequest sent = onlyRequest(server);
        assertThat(sent.containsHeader("Authorization")).isFalse();
        JsonObject body = bodyOf(sent);
        assertThat(body.getJsonArray("messages")).hasSize(1);
        assertThat(body.getJsonArray("messages").getJsonObject(0).getString("content")).isEqualTo("hello");
        assertThat(body.getInteger("max_tokens")).isEqualTo(Decoding.defaults().maxTokens());
    }

    @Test
    void rateLimitedCarriesRetryAfterSeconds() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "7")
                .withBody("{\"error\":{\"message\":\"Rate limit reached for gpt-4o\",\"type\":\"requests\","
                        + "\"code\":\"rate_limit_exceeded\"}}")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.httpStatus()).hasValue(429);
        assertThat(e.getMessage()).contains("openai", "gpt-4o", "429", "Rate limit reached");
    }

    @Test
    void usedUpBillingQuotaIsAClientErrorDespite429() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(429).withBody(
                "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\","
                        + "\"code\":\"insufficient_quota\"}}")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.CLIENT_ERROR);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void serverErrorIsRetryable() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(500)
                .withBody("{\"error\":{\"message\":\"The server had an error processing your request.\"}}")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.retryable()).isTrue();
        assertThat(e.httpStatus()).hasValue(500);
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.getMessage()).contains("500", "server had an error");
    }

    @Test
    void slowResponseTimesOut() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(OK_BODY).withFixedDelay(3_000)));

        long start = System.nanoTime();
        ModelCallException e = awaitFailure(model(API_KEY, Duration.ofMillis(300)).complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.retryable()).isTrue();
        assertThat(e.httpStatus()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void malformedBodyIsInvalidOutput() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"choices\": [{\"message\": ")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_OUTPUT);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("{\"choices\"");
    }

    @Test
    void wellFormedJsonWithoutChoicesIsInvalidOutput() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("{\"object\":\"chat.completion\",\"choices\":[]}")));

        assertThat(awaitFailure(model().complete(imageRequest())).kind()).isEqualTo(Kind.INVALID_OUTPUT);
    }

    @Test
    void contentFilterFinishIsContentBlocked() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("""
                {"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":""},
                 "finish_reason":"content_filter"}],"usage":{"prompt_tokens":10,"completion_tokens":0}}""")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.CONTENT_BLOCKED);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("content_filter");
    }

    @Test
    void contentPolicyViolation400IsContentBlocked() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":{\"message\":\"Your request was rejected as a result of our safety system.\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"content_policy_violation\"}}")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.CONTENT_BLOCKED);
        assertThat(e.retryable()).isFalse();
        assertThat(e.httpStatus()).hasValue(400);
    }

    @Test
    void other4xxIsClientErrorAndEchoedKeyIsRedacted() {
        // OpenAI echoes (part of) a wrong key back; the message must not carry it
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(401).withBody(
                "{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY + ".\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}")));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.CLIENT_ERROR);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("401", "Incorrect API key provided: [REDACTED]");
    }

    @Test
    void connectionResetIsConnection() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        ModelCallException e = awaitFailure(model().complete(imageRequest()));

        assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void eachSubscriptionSendsAFreshRequest() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(OK_BODY)));
        var uni = model().complete(imageRequest());

        await(uni);
        await(uni);

        assertThat(server.getAllServeEvents()).hasSize(2);
    }
}
