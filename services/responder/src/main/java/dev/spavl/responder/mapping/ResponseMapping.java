package dev.spavl.responder.mapping;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.ErrorKind;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.starter.Answer;
import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.responder.starter.Question;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Between the contract's records and the starter's API: a {@code ResponseRequested} becomes the {@link Question} a
 * {@link dev.spavl.responder.starter.ModelResponder} answers, its {@link Answer} or {@link ModelFailure} the
 * {@code ResponseOutcome} the lane publishes. The outcome's {@code event_id} depends only on question and model,
 * so OK and FAILED of a redelivered request carry the same id (docs/responder-contract.md, ids).
 */
public final class ResponseMapping {

    /** The outcome's error_message is cut here; provider messages can quote long bodies. */
    static final int MAX_ERROR_MESSAGE = 500;

    private ResponseMapping() {
    }

    /** @param attempt the lane's call number for this question, 1-based, retries and redeliveries counted */
    public static Question question(ResponseRequested req, int attempt) {
        return new Question(req.getQuestionId(), req.getRunId(), Question.Type.valueOf(req.getType().name()), req.getText(), attempt);
    }

    /**
     * An OK outcome: the usage as tokens and, by the catalog's price, cost; simulated when the catalog's provider is
     * or the answer says so.
     */
    public static ResponseOutcome ok(ModelSpec spec, ResponseRequested req, Answer answer, long latencyNanos, int attempts) {
        return envelope(spec, req)
                .setStatus(ResponseStatus.OK)
                .setText(answer.text())
                .setFinishReason(answer.finishReason())
                .setTokensIn(answer.promptTokens())
                .setTokensOut(answer.completionTokens())
                .setLatencyMs(latencyNanos / 1_000_000)
                .setCostUsd(spec.price().cost(answer.promptTokens(), answer.completionTokens()).setScale(8, RoundingMode.HALF_UP))
                .setAttempts(attempts)
                .setSimulated(spec.simulated() || answer.simulated())
                .build();
    }

    /** A FAILED outcome: no text, no cost; the message cut at {@value #MAX_ERROR_MESSAGE} characters. */
    public static ResponseOutcome failed(ModelSpec spec, ResponseRequested req, ErrorKind kind, String message, int attempts) {
        return envelope(spec, req)
                .setStatus(ResponseStatus.FAILED)
                .setCostUsd(BigDecimal.ZERO.setScale(8))
                .setErrorKind(kind)
                .setErrorMessage(message == null ? null : message.substring(0, Math.min(MAX_ERROR_MESSAGE, message.length())))
                .setAttempts(Math.max(1, attempts))
                .setSimulated(spec.simulated())
                .build();
    }

    /** The contract's error kind of a failure: a connection failure is reported as a server error. */
    public static ErrorKind errorKind(ModelFailure.Kind kind) {
        return switch (kind) {
            case RATE_LIMITED -> ErrorKind.RATE_LIMITED;
            case SERVER_ERROR, CONNECTION -> ErrorKind.SERVER_ERROR;
            case TIMEOUT -> ErrorKind.TIMEOUT;
            case CLIENT_ERROR -> ErrorKind.CLIENT_ERROR;
            case CONTENT_BLOCKED -> ErrorKind.CONTENT_BLOCKED;
            case INVALID_OUTPUT -> ErrorKind.INVALID_OUTPUT;
        };
    }

    private static ResponseOutcome.Builder envelope(ModelSpec spec, ResponseRequested req) {
        return ResponseOutcome.newBuilder()
                .setEventId(Ids.event("ResponseOutcome", req.getQuestionId(), spec.id()))
                .setRunId(req.getRunId())
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setQuestionId(req.getQuestionId())
                .setModelId(spec.id())
                .setQuestion(req.getText());
    }
}
