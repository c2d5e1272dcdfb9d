package dev.spavl.packager.service;

import dev.spavl.events.ErrorKind;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule every path of the packager applies to a (question, model)'s outcomes (PairingFlowTest covers it end to end). */
class AnswerPrecedenceTest {

    @Test
    void theFirstOkIsKeptAndAnOkReplacesAFailed() {
        assertThat(AnswerPrecedence.replaces(ResponseStatus.FAILED, ResponseStatus.OK)).isTrue();
        assertThat(AnswerPrecedence.replaces(ResponseStatus.OK, ResponseStatus.FAILED)).isFalse();
        assertThat(AnswerPrecedence.replaces(ResponseStatus.OK, ResponseStatus.OK)).as("the first OK stays").isFalse();
        assertThat(AnswerPrecedence.replaces(ResponseStatus.FAILED, ResponseStatus.FAILED)).as("the first FAILED stays").isFalse();

        ResponseOutcome failed = outcome("evt-1", ResponseStatus.FAILED, null);
        ResponseOutcome ok = outcome("evt-1", ResponseStatus.OK, "an answer");
        ResponseOutcome laterOk = outcome("evt-2", ResponseStatus.OK, "another answer");
        assertThat(List.of(failed, ok, laterOk).stream().reduce(AnswerPrecedence::kept)).contains(ok);
        assertThat(List.of(ok, failed).stream().reduce(AnswerPrecedence::kept)).contains(ok);
    }

    @Test
    void anOkIsAppliedApartFromTheFailedOfTheSameEvent() {
        assertThat(AnswerPrecedence.appliedId(outcome("evt-1", ResponseStatus.FAILED, null))).isEqualTo("evt-1");
        assertThat(AnswerPrecedence.appliedId(outcome("evt-1", ResponseStatus.OK, "x"))).isEqualTo("evt-1/OK");
    }

    private static ResponseOutcome outcome(String eventId, ResponseStatus status, String text) {
        return ResponseOutcome.newBuilder().setEventId(eventId).setRunId("run-1").setOccurredAt(Instant.EPOCH)
                .setQuestionId("q-1").setModelId("m-a").setStatus(status).setText(text)
                .setErrorKind(status == ResponseStatus.OK ? null : ErrorKind.SERVER_ERROR)
                .setCostUsd(BigDecimal.ZERO.setScale(8)).setSimulated(true).build();
    }
}
