package dev.spavl.responder.client;

import dev.spavl.modelclients.ChatModel;
import dev.spavl.modelclients.ChatRequest;
import dev.spavl.modelclients.ChatResult;
import dev.spavl.modelclients.Decoding;
import dev.spavl.modelclients.ImageInput;
import dev.spavl.modelclients.ModelCallException;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.simulated.SimulatedChatModel;
import dev.spavl.responder.starter.Answer;
import dev.spavl.responder.starter.Image;
import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.responder.starter.ModelResponder;
import dev.spavl.responder.starter.Question;

import java.time.Duration;
import java.util.Objects;

/**
 * A chat model of model-clients (an HTTP client or a simulated persona) as the {@link ModelResponder} of a
 * built-in lane: the question and image become one user turn with the catalog's model name, system prompt and
 * decoding; the result becomes an {@link Answer} (usage, finish reason, simulated for a persona's), a
 * {@link ModelCallException} the {@link ModelFailure} of the same kind, message and Retry-After.
 */
public final class ChatModelResponder implements ModelResponder, AutoCloseable {

    /** Beyond the client's own timeout: the client times out first, this only guards against a hung Uni. */
    private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(5);

    private final ChatModel model;
    private final String modelName;
    private final String systemPrompt;
    private final Decoding decoding;
    private final Duration deadline;

    public ChatModelResponder(ChatModel model, String modelName, String systemPrompt, Decoding decoding, Duration timeout) {
        this.model = Objects.requireNonNull(model, "model");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.systemPrompt = systemPrompt;
        this.decoding = decoding;
        this.deadline = timeout.plus(DEADLINE_MARGIN);
    }

    static Decoding decoding(ModelSpec spec) {
        return new Decoding(spec.decoding().temperature(), spec.decoding().topP(), spec.decoding().maxTokens());
    }

    @Override
    public Answer answer(Question question, Image image) {
        ChatRequest chat = new ChatRequest(modelName, systemPrompt, question.text(), new ImageInput(image.bytes(), image.mimeType()),
                decoding);
        ChatResult result;
        try {
            // a persona draws latency and faults per attempt, so that a retry can succeed where the first call failed
            result = model instanceof SimulatedChatModel simulated
                    ? simulated.complete(chat, question.attempt()).await().atMost(deadline)
                    : model.complete(chat).await().atMost(deadline);
        } catch (ModelCallException e) {
            throw failure(e);
        } catch (io.smallrye.mutiny.TimeoutException e) {
            // the lane's own deadline passed before the client gave up: a timeout like the client's own
            throw ModelFailure.of(ModelFailure.Kind.TIMEOUT, modelName + ": no answer within " + deadline, null, e);
        }
        return new Answer(result.text(), result.finishReason(), result.tokensIn(), result.tokensOut(),
                SimulatedChatModel.isSimulated(result));
    }

    /** The client's classification, kept as it is: same kind (so the same metric tag), message and Retry-After. */
    public static ModelFailure failure(ModelCallException e) {
        return ModelFailure.of(e.kind(), e.getMessage(), e.retryAfter().orElse(null), e);
    }

    /** The provider this responder speaks ({@code openai}, ..., {@code simulated}). */
    public String provider() {
        return model.provider();
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "ChatModelResponder[" + model.provider() + ", " + modelName + "]";
    }
}
