package dev.spavl.responder.starter;

import java.util.Objects;

/**
 * What the model said. The lane turns it into an OK {@code ResponseOutcome}: the usage into
 * {@code tokens_in}/{@code tokens_out}, the token metrics, the cost by the catalog's {@code price} and the
 * charge against the {@code tokens-per-minute} limit.
 *
 * @param text             the answer; may be empty (e.g. the model stopped on its token limit at once)
 * @param finishReason     the model's own word for why it stopped ({@code stop}, {@code length}, ...), or {@code null}
 * @param promptTokens     tokens the model counted for the question and image, 0 when unknown
 * @param completionTokens tokens of the answer, 0 when unknown
 * @param simulated        true unless a real model wrote the answer (a stand-in, a rule set, a fixture): it is
 *                         carried into the outcome, the quadruples and the dataset card
 */
public record Answer(String text, String finishReason, int promptTokens, int completionTokens, boolean simulated) {

    public Answer {
        Objects.requireNonNull(text, "text");
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0 (were " + promptTokens + ", " + completionTokens + ")");
        }
    }

    /** A real model's answer without usage or finish reason. */
    public static Answer of(String text) {
        return new Answer(text, null, 0, 0, false);
    }

    public Answer withUsage(int promptTokens, int completionTokens) {
        return new Answer(text, finishReason, promptTokens, completionTokens, simulated);
    }

    public Answer withFinishReason(String finishReason) {
        return new Answer(text, finishReason, promptTokens, completionTokens, simulated);
    }

    /** The same answer marked as not written by a real model. */
    public Answer asSimulated() {
        return new Answer(text, finishReason, promptTokens, completionTokens, true);
    }
}
