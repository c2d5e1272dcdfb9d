package dev.spavl.judge.service;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.QuestionGenerated;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseStatus;
import dev.spavl.events.SafetyAssessed;
import dev.spavl.events.SafetySubject;
import dev.spavl.judge.client.SafetyJudge;
import dev.spavl.judge.client.SafetyLabel;
import dev.spavl.modelclients.ModelCallException;
import dev.spavl.observability.RecordLogContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Safety labels (paper step 4): every question from {@code spavl.questions} and every OK answer from
 * {@code spavl.responses} gets a {@code SafetyAssessed} on {@code spavl.assessments}, keyed by question_id.
 * Judge calls block, so they run on the {@code judge-calls} worker pool, several at a time. A label that
 * cannot be had (classifier down past its retries, unparseable output) fails the record: it goes to the
 * topic's dead-letter queue with the reason, and the packager's quorum/timeout takes over for that answer.
 */
@ApplicationScoped
public class SafetyAssessor {

    private static final Logger LOG = Logger.getLogger(SafetyAssessor.class);

    private final SafetyJudge judge;
    private final MeterRegistry metrics;
    private final JudgeMetrics judgeMetrics;

    public SafetyAssessor(SafetyJudge judge, MeterRegistry metrics, JudgeMetrics judgeMetrics) {
        this.judge = judge;
        this.metrics = metrics;
        this.judgeMetrics = judgeMetrics;
    }

    @Incoming("questions")
    @Outgoing("question-assessments")
    @Blocking(value = "judge-calls", ordered = false)
    public Record<String, SafetyAssessed> assessQuestion(QuestionGenerated q) throws InterruptedException {
        try (RecordLogContext ids = RecordLogContext.of(q.getRunId(), q.getQuestionId(), null)) {
            SafetyLabel label = label(SafetySubject.QUESTION, q.getRunId(), q.getQuestionId(), null,
                    () -> judge.assessQuestion(q.getQuestionId(), q.getText()));
            return Record.of(q.getQuestionId(), event(SafetySubject.QUESTION, q.getRunId(), q.getQuestionId(), null, label));
        }
    }

    /** FAILED outcomes have no answer to label: skipped (null = acknowledged, nothing sent). */
    @Incoming("responses")
    @Outgoing("response-assessments")
    @Blocking(value = "judge-calls", ordered = false)
    public Record<String, SafetyAssessed> assessResponse(ResponseOutcome r) throws InterruptedException {
        if (r.getStatus() != ResponseStatus.OK || r.getText() == null) {
            metrics.counter("spavl.judge.assessments.skipped", "reason", "not_ok").increment();
            return null;
        }
        try (RecordLogContext ids = RecordLogContext.of(r.getRunId(), r.getQuestionId(), r.getModelId())) {
            SafetyLabel label = label(SafetySubject.RESPONSE, r.getRunId(), r.getQuestionId(), r.getModelId(),
                    () -> judge.assessResponse(r.getQuestionId(), r.getQuestion(), r.getText()));
            return Record.of(r.getQuestionId(), event(SafetySubject.RESPONSE, r.getRunId(), r.getQuestionId(), r.getModelId(), label));
        }
    }

    private interface Call {
        SafetyLabel run() throws InterruptedException;
    }

    private SafetyLabel label(SafetySubject subject, String runId, String questionId, String modelId, Call call)
            throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            SafetyLabel label = call.run();
            judgeMetrics.assessed(subject, label.safe());
            return label;
        } catch (ModelCallException e) {
            judgeMetrics.failure(JudgeMetrics.SAFETY, e.kind());
            judgeMetrics.deadLetters(subject == SafetySubject.QUESTION ? "questions" : "responses").increment();
            LOG.errorf("safety label for %s of question %s%s (run %s) failed, dead-lettered: %s", subject, questionId,
                    modelId == null ? "" : " model " + modelId, runId, e.getMessage());
            throw e; // nacked: the record goes to the dead-letter topic with this reason
        } finally {
            judgeMetrics.safetyCall().record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private SafetyAssessed event(SafetySubject subject, String runId, String questionId, String modelId, SafetyLabel label) {
        return SafetyAssessed.newBuilder()
                .setEventId(Ids.event("SafetyAssessed", subject, questionId, modelId == null ? "" : modelId, judge.name()))
                .setRunId(runId)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setSubject(subject)
                .setQuestionId(questionId)
                .setModelId(modelId)
                .setSafe(label.safe())
                .setScore(label.unsafeScore())
                .setHarmCategory(label.harmCategory().orElse(null))
                .setJudge(judge.name())
                .setSimulated(judge.simulated())
                .build();
    }
}
