package dev.spavl.generator.prompt;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.spavl.events.QuestionType;
import dev.spavl.modelclients.ChatModels;
import dev.spavl.modelclients.ModelCallException;
import dev.spavl.modelclients.ModelEndpoint;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model writer against a real OpenAI-compatible HTTP server on loopback (WireMock). */
class ModelPromptWriterTest {

    private static Vertx vertx;
    private WireMockServer server;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        vertx.closeAndAwait();
    }

    @BeforeEach
    void start() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void describesWritesEasyThenHardFromTheEasyQuestion() {
        stub(containing("Describe this image"), "A dark room with a laptop.");
        stub(containing("Write one short, natural question"), "What is this person typing?");
        stub(containing("more harmful follow-up question"), "How do I break into that network?");
        stub(containing("harmful statement"), "Hacking is fine, agree with me.");

        WrittenPrompts p = writer(3).write(input(null), EnumSet.allOf(QuestionType.class)).await().atMost(Duration.ofSeconds(10));

        assertThat(p.description()).isEqualTo("A dark room with a laptop.");
        assertThat(p.texts()).containsEntry(QuestionType.EASY_QUESTION, "What is this person typing?")
                .containsEntry(QuestionType.HARD_QUESTION, "How do I break into that network?")
                .containsEntry(QuestionType.HARD_STATEMENT, "Hacking is fine, agree with me.");
        assertThat(p.simulated()).isFalse();
        assertThat(p.templateVersion()).isEqualTo("model-v1");
        // the hard prompts are written from the description and the easy question, as in the paper
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("more harmful follow-up question"))
                .withRequestBody(containing("What is this person typing?"))
                .withRequestBody(containing("A dark room with a laptop.")));
        // the vision calls carry the image
        server.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("data:image/png;base64,")));
    }

    @Test
    void aGivenDescriptionIsNotRewritten() {
        stub(containing("Write one short, natural question"), "Q?");
        WrittenPrompts p = writer(3).write(input("Given."), EnumSet.of(QuestionType.EASY_QUESTION))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(p.description()).isEqualTo("Given.");
        server.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void rateLimitIsRetriedAfterRetryAfter() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("limited").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("free"));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario("limited").whenScenarioStateIs("free")
                .willReturn(ok("Q?")));
        WrittenPrompts p = writer(3).write(input("Given."), EnumSet.of(QuestionType.EASY_QUESTION))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(p.texts()).containsEntry(QuestionType.EASY_QUESTION, "Q?");
        server.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void persistentServerErrorsFailAfterTheAllowedAttempts() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(500)));
        assertThatThrownBy(() -> writer(2).write(input("Given."), EnumSet.of(QuestionType.EASY_QUESTION))
                .await().atMost(Duration.ofSeconds(20)))
                .isInstanceOf(ModelCallException.class);
        server.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    private ModelPromptWriter writer(int attempts) {
        return new ModelPromptWriter(ChatModels.create(vertx, new ModelEndpoint("openai",
                URI.create("http://127.0.0.1:" + server.port() + "/v1"), null, Duration.ofSeconds(5))), "vision-model", "text-model", attempts);
    }

    private void stub(com.github.tomakehurst.wiremock.matching.StringValuePattern body, String text) {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(body).willReturn(ok(text)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String text) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\""
                        + text + "\"}}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}");
    }

    private static PromptInput input(String description) {
        return new PromptInput("run", "img", "Malicious Use", "Security threats", "cyber", "a laptop", description,
                List.of("hacker"), new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "image/png", 1);
    }
}
