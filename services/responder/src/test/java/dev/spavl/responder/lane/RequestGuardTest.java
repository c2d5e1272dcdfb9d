package dev.spavl.responder.lane;

import dev.spavl.events.QuestionType;
import dev.spavl.events.ResponseRequested;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestGuardTest {

    private static final String TOPIC = "spavl.requests.otter";
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RequestGuard guard = new RequestGuard("otter",
            new AnsweredQuestions("otter", "spavl.responses", () -> {
                throw new AssertionError("no outcomes are read in these tests");
            }),
            new RecentAnswers(100), new LaneMetrics(registry, "otter"));

    @Test
    void aCopyOfAQuestionBeingAnsweredIsNotCalledAndOnceAnsweredNeverAgain() {
        assertThat(guard.admit(record(1, "q1", "run-1"))).isEqualTo(RequestGuard.Admission.CALL);
        assertThat(guard.admit(record(2, "q1", "run-1"))).isEqualTo(RequestGuard.Admission.DUPLICATE);
        guard.answered("q1");
        assertThat(guard.admit(record(3, "q1", "run-1"))).isEqualTo(RequestGuard.Admission.DUPLICATE);
        assertThat(registry.get("spavl.responder.duplicate.requests").counter().count()).isEqualTo(2.0);
    }

    @Test
    void aQuestionReleasedWithoutAnOkAnswerMayBeCalledAgain() {
        assertThat(guard.admit(record(1, "q2", "run-1"))).isEqualTo(RequestGuard.Admission.CALL);
        guard.released("q2");
        assertThat(guard.admit(record(2, "q2", "run-1"))).isEqualTo(RequestGuard.Admission.CALL);
    }

    @Test
    void aRequestOfACancelledRunIsDroppedBeforeAnythingElse() {
        guard.dropRunsWhere("run-gone"::equals);
        assertThat(guard.admit(record(1, "q3", "run-gone"))).isEqualTo(RequestGuard.Admission.CANCELLED);
        assertThat(guard.admit(record(2, "q3", "run-1"))).as("the dropped copy claimed nothing").isEqualTo(RequestGuard.Admission.CALL);
        assertThat(registry.get("spavl.responder.dropped.requests").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aRequestBelowTheRecoveryEndNotAnsweredBeforeIsCalledAndCounted() {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        guard.recovering(tp, 10, Instant.ofEpochMilli(1_000));
        assertThat(guard.admit(record(4, "q4", "run-1"))).isEqualTo(RequestGuard.Admission.CALL);
        assertThat(guard.admit(record(10, "q5", "run-1"))).as("past the end: a new request").isEqualTo(RequestGuard.Admission.CALL);
        assertThat(registry.get("spavl.responder.redelivered.requests").tag("result", "called").counter().count()).isEqualTo(1.0);
        guard.forget(List.of(tp));
        assertThat(guard.admit(record(5, "q6", "run-1"))).isEqualTo(RequestGuard.Admission.CALL);
        assertThat(registry.get("spavl.responder.redelivered.requests").tag("result", "called").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aRequestDeliveredAgainMayHaveBeenAnsweredFromTheRecoveredCommitTimeANewOneOnlyFromNow() {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        assertThat(guard.takenAt(tp, 4, 50_000)).as("no recovery").isEqualTo(50_000);
        guard.recovering(tp, 10, Instant.ofEpochMilli(1_000));
        assertThat(guard.takenAt(tp, 4, 50_000)).as("below the recovery end").isEqualTo(1_000);
        assertThat(guard.takenAt(tp, 10, 50_000)).as("past it: new").isEqualTo(50_000);
        guard.forget(List.of(tp));
        assertThat(guard.takenAt(tp, 4, 50_000)).isEqualTo(50_000);
    }

    private static ConsumerRecord<String, ResponseRequested> record(long offset, String questionId, String runId) {
        ResponseRequested req = ResponseRequested.newBuilder()
                .setEventId("evt-" + offset).setRunId(runId).setOccurredAt(Instant.ofEpochMilli(0)).setQuestionId(questionId)
                .setModelId("otter").setType(QuestionType.HARD_QUESTION).setText("Q").setImageUri("file:/x").setImageSha256("0".repeat(64))
                .setAttempt(1).build();
        return new ConsumerRecord<>(TOPIC, 0, offset, questionId, req);
    }
}
