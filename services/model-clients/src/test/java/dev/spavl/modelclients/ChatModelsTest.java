package dev.spavl.modelclients;

import static dev.spavl.modelclients.TestSupport.API_KEY;
import static dev.spavl.modelclients.TestSupport.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spavl.responder.starter.ModelFailure.Kind;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The factory, the value types' guards, Retry-After parsing, and a refused connection. */
class ChatModelsTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
    }

    private static ModelEndpoint endpoint(String provider, String url) {
        return new ModelEndpoint(provider, URI.create(url), API_KEY, Duration.ofSeconds(2));
    }

    @Test
    void factoryChoosesByProviderName() {
        try (ChatModel openai = ChatModels.create(vertx, endpoint("openai", "http://127.0.0.1:1/v1"));
             ChatModel gemini = ChatModels.create(vertx, endpoint("Gemini", "http://127.0.0.1:1"));
             ChatModel anthropic = ChatModels.create(vertx, endpoint(" ANTHROPIC ", "http://127.0.0.1:1"))) {
            assertThat(openai).isInstanceOf(OpenAiCompatibleChatModel.class);
            assertThat(openai.provider()).isEqualTo("openai");
            assertThat(gemini).isInstanceOf(GeminiChatModel.class);
            assertThat(gemini.provider()).isEqualTo("gemini");
            assertThat(anthropic).isInstanceOf(AnthropicChatModel.class);
            assertThat(anthropic.provider()).isEqualTo("anthropic");
        }
    }

    @Test
    void unknownProviderListsTheKnownOnes() {
        assertThatThrownBy(() -> ChatModels.create(vertx, endpoint("cohere", "http://127.0.0.1:1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cohere")
                .hasMessageContaining("openai, gemini, anthropic");
    }

    @Test
    void refusedConnectionIsConnection() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // closed again below: nothing listens there during the call
        }
        ChatModel model = ChatModels.create(vertx, endpoint("openai", "http://127.0.0.1:" + port + "/v1"));

        ModelCallException e = awaitFailure(model.complete(new ChatRequest("m", null, "hi", null, null)));

        assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(e.retryable()).isTrue();
        assertThat(e.httpStatus()).isEmpty();
        assertThat(e.getMessage()).contains("openai", "model=m");
    }

    @Test
    void endpointToStringHidesTheKeyAndBlankKeyMeansNone() {
        assertThat(endpoint("openai", "http://h/v1").toString()).doesNotContain(API_KEY).contains("***");
        assertThat(new ModelEndpoint("openai", URI.create("http://h"), " ", Duration.ofSeconds(1)).apiKey()).isNull();
        assertThatThrownBy(() -> new ModelEndpoint("openai", URI.create("h/v1"), null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelEndpoint("openai", URI.create("http://h"), null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void valueTypesValidateAndDefault() {
        assertThat(new ChatRequest("m", null, "t", null, null).decoding()).isEqualTo(Decoding.defaults());
        assertThatThrownBy(() -> new Decoding(0.5, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Decoding(-1, 1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Decoding(0.5, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageInput(new byte[] {1}, "text/plain"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ImageInput(new byte[] {1, 2}, "image/png"))
                .isEqualTo(new ImageInput(new byte[] {1, 2}, "image/png"))
                .hasToString("ImageInput[image/png, 2 bytes]");
    }

    @Test
    void retryAfterParsesSecondsDatesAndRejectsGarbage() {
        Clock clock = Clock.fixed(Instant.parse("2015-10-21T07:27:00Z"), ZoneOffset.UTC);
        assertThat(RetryAfter.parseHeader("120", clock)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parseHeader(" 1.5 ", clock)).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.parseHeader("Wed, 21 Oct 2015 07:28:00 GMT", clock)).contains(Duration.ofSeconds(60));
        assertThat(RetryAfter.parseHeader("Wed, 21 Oct 2015 07:00:00 GMT", clock)).contains(Duration.ZERO);
        assertThat(RetryAfter.parseHeader("soon", clock)).isEmpty();
        assertThat(RetryAfter.parseHeader("-5", clock)).isEmpty();
        assertThat(RetryAfter.parseHeader(null, clock)).isEmpty();
        assertThat(RetryAfter.parseMillis("250")).contains(Duration.ofMillis(250));
        assertThat(RetryAfter.parseProtoDuration("0.5s")).contains(Duration.ofMillis(500));
        assertThat(RetryAfter.parseProtoDuration("37")).isEmpty();
    }
}
