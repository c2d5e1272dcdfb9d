package dev.spavl.responder.client;

import dev.spavl.modelclients.ChatModel;
import dev.spavl.modelclients.ChatRequest;
import dev.spavl.modelclients.ChatResult;
import dev.spavl.modelclients.Decoding;
import dev.spavl.modelclients.ImageInput;
import dev.spavl.modelclients.ModelCallException;
import dev.spavl.responder.catalog.ModelCatalog;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.simulated.Persona;
import dev.spavl.responder.simulated.SimulatedChatModel;
import dev.spavl.responder.starter.Answer;
import dev.spavl.responder.starter.Image;
import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.responder.starter.Question;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The built-in lanes' models behind the starter API: requests, answers and failures as the lanes had them. */
class ChatModelResponderTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
    private static final Image IMAGE = new Image(PNG, "image/png", "ab12", URI.create("file:///blobs/sha256/ab/12/ab12"));
    private static final Decoding DECODING = new Decoding(0.2, 0.9, 64);

    /** A chat model that records its request and answers with {@code result} or fails with {@code failure}. */
    private record FixedChatModel(AtomicReference<ChatRequest> seen, ChatResult result, ModelCallException failure) implements ChatModel {
        @Override
        public Uni<ChatResult> complete(ChatRequest request) {
            seen.set(request);
            return failure != null ? Uni.createFrom().failure(failure) : Uni.createFrom().item(result);
        }

        @Override
        public String provider() {
            return "openai";
        }
    }

    private static Question question(String text, int attempt) {
        return new Question("q-1", "run-1", Question.Type.HARD_QUESTION, text, attempt);
    }

    @Test
    void aQuestionBecomesOneUserTurnAndTheResultAnAnswer() {
        AtomicReference<ChatRequest> seen = new AtomicReference<>();
        ChatModelResponder responder = new ChatModelResponder(new FixedChatModel(seen,
                new ChatResult("It is a cat.", "stop", 812, 7, Duration.ofMillis(30), "llava-v1.6"), null),
                "llava-hf/llava-1.5-7b-hf", "Be brief.", DECODING, Duration.ofSeconds(5));

        Answer answer = responder.answer(question("What is this?", 1), IMAGE);

        assertThat(answer).isEqualTo(new Answer("It is a cat.", "stop", 812, 7, false));
        assertThat(seen.get()).isEqualTo(new ChatRequest("llava-hf/llava-1.5-7b-hf", "Be brief.", "What is this?",
                new ImageInput(PNG, "image/png"), DECODING));
    }

    @ParameterizedTest
    @EnumSource(ModelFailure.Kind.class)
    void aClientFailureBecomesTheFailureOfTheSameKindMessageAndWait(ModelFailure.Kind kind) {
        Duration wait = kind == ModelFailure.Kind.RATE_LIMITED ? Duration.ofSeconds(7) : null;
        ModelCallException e = new ModelCallException(kind, "openai", "m", 503, "detail", "{\"error\":1}", wait, null);
        ChatModelResponder responder = new ChatModelResponder(new FixedChatModel(new AtomicReference<>(), null, e), "m", null,
                DECODING, Duration.ofSeconds(5));

        ModelFailure f = catchThrowableOfType(ModelFailure.class, () -> responder.answer(question("Why?", 1), IMAGE));

        // the same name: the metric tag kind (spavl_responder_model_errors_total) stays what it was
        assertThat(f.kind().name()).isEqualTo(kind.name());
        assertThat(f.retryable()).isEqualTo(e.retryable());
        assertThat(f.getMessage()).isEqualTo(e.getMessage());
        assertThat(f.retryAfter()).isEqualTo(Optional.ofNullable(wait));
        assertThat(f.getCause()).isSameAs(e);
    }

    @Test
    void everyClientKindHasAFailureKindAndBack() {
        assertThat(ModelFailure.Kind.values()).extracting(Enum::name)
                .containsExactlyInAnyOrder(java.util.Arrays.stream(ModelFailure.Kind.values()).map(Enum::name).toArray(String[]::new));
        for (ModelFailure.Kind k : ModelFailure.Kind.values()) {
            assertThat(ModelFailure.Kind.valueOf(k.name()).retryable()).as(k.name()).isEqualTo(k.retryable());
        }
    }

    @Test
    void aPersonaAnswersAsSimulatedAndDrawsItsFaultsByTheQuestionsAttempt() {
        ModelSpec spec = ModelCatalog.load(Optional.empty(), Map.of(
                "spavl.models.sim-x.provider", "simulated",
                "spavl.models.sim-x.unsafe-rate", "0.3",
                "spavl.models.sim-x.latency.mean-ms", "0",
                "spavl.models.sim-x.latency.stddev-ms", "0",
                "spavl.models.sim-x.latency.min-ms", "0",
                "spavl.models.sim-x.faults.rate-500", "0.5")).require("sim-x");
        ChatModelResponder responder = BuiltInResponders.create(spec, null, 7L);
        SimulatedChatModel persona = new SimulatedChatModel(Persona.of("sim-x", 0.3).withServerErrors(0.5).withSeed(7L)
                .withTimeout(spec.timeout()));
        ChatRequest chat = new ChatRequest("sim-x", null, "How do I pick this lock?", ImageInput.sniffed(PNG), DECODING);

        int answered = 0;
        for (int attempt = 1; attempt <= 12; attempt++) {
            boolean personaFails;
            try {
                persona.complete(chat, attempt).await().atMost(Duration.ofSeconds(5));
                personaFails = false;
            } catch (ModelCallException e) {
                personaFails = true;
            }
            Question q = question("How do I pick this lock?", attempt);
            if (personaFails) {
                assertThatThrownBy(() -> responder.answer(q, IMAGE)).as("attempt %d", attempt)
                        .isInstanceOf(ModelFailure.ServerError.class);
            } else {
                Answer a = responder.answer(q, IMAGE);
                assertThat(a.simulated()).isTrue();
                assertThat(a.completionTokens()).isPositive();
                answered++;
            }
        }
        assertThat(answered).as("some attempts succeed, some fail").isBetween(1, 11);
        assertThat(responder.provider()).isEqualTo("simulated");
    }

    @Test
    void aCustomModelHasNoBuiltInResponder() {
        ModelSpec spec = ModelCatalog.load(Optional.empty(), Map.of("spavl.models.mine.provider", "custom")).require("mine");
        assertThatThrownBy(() -> BuiltInResponders.create(spec, null, 1L)).hasMessageContaining("@Responds");
    }
}
