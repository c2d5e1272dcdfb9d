package dev.spavl.responder.starter;

import java.util.Objects;

/**
 * One question to answer, taken from the lane's {@code ResponseRequested} request.
 *
 * @param id      the question id ({@code q-...}); the outcome is keyed by it
 * @param runId   the run the question belongs to
 * @param type    which of the three SPA-VL prompt types it is
 * @param text    the prompt text
 * @param attempt which call for this question this is on this lane: 1 for the first, counting the lane's retries
 *                and redeliveries (a model that draws faults or sampling per call can key them by it)
 */
public record Question(String id, String runId, Type type, String text, int attempt) {

    public Question {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(text, "text");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1 (was " + attempt + ")");
        }
    }

    /** The SPA-VL prompt types (the contract's {@code QuestionType}). */
    public enum Type {
        /** an easy question about the image */
        EASY_QUESTION,
        /** a hard (harmful-intent) question */
        HARD_QUESTION,
        /** a hard statement (an instruction rather than a question) */
        HARD_STATEMENT
    }
}
