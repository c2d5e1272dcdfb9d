package dev.spavl.responder.lane;

import dev.spavl.events.ResponseRequested;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Whether a lane calls its model for a request at all: not for a cancelled run, not again for a request redelivered
 * after a crash whose outcome was already published ({@link AnsweredQuestions}), not for a copy of a question this
 * process answered or is answering ({@link RecentAnswers}). Invariant: at most one call at a time per question in a
 * lane, and a question admitted is {@link #answered} or {@link #released} exactly once, when its outcome's send
 * completed. Thread-safe: workers admit, the producer's callbacks settle, the lane thread tracks partitions.
 */
final class RequestGuard {

    private static final Logger LOG = Logger.getLogger(Lane.class); // the lane's log category, one for all its parts

    /** What to do with a request. */
    enum Admission {
        /** call the model */
        CALL,
        /** its run was cancelled: no call, no outcome (the packager closed the run's questions as CANCELLED) */
        CANCELLED,
        /** redelivered after a crash and its outcome was published before: no call */
        ANSWERED_BEFORE,
        /** another copy is answered or being answered in this process (a republish): no call */
        DUPLICATE
    }

    private final String model;
    private final AnsweredQuestions answeredBefore;
    private final RecentAnswers recent;
    private final LaneMetrics metrics;
    /** Partition -> end offset at assignment: records below it may have been handled before a crash. */
    private final Map<TopicPartition, Long> recoveryEnd = new ConcurrentHashMap<>();
    /** Partition -> the commit time it was recovered from (epoch millis). */
    private final Map<TopicPartition, Long> recoveredAt = new ConcurrentHashMap<>();
    private volatile Predicate<String> cancelledRuns = run -> false;

    RequestGuard(String model, AnsweredQuestions answeredBefore, RecentAnswers recent, LaneMetrics metrics) {
        this.model = model;
        this.answeredBefore = answeredBefore;
        this.recent = recent;
        this.metrics = metrics;
    }

    void dropRunsWhere(Predicate<String> cancelled) {
        this.cancelledRuns = cancelled;
    }

    Admission admit(ConsumerRecord<String, ResponseRequested> record) {
        ResponseRequested req = record.value();
        if (cancelledRuns.test(req.getRunId())) {
            metrics.droppedForCancelledRun();
            LOG.debugf("lane %s question %s: run %s is cancelled, request dropped", model, req.getQuestionId(), req.getRunId());
            return Admission.CANCELLED;
        }
        Long end = recoveryEnd.get(new TopicPartition(record.topic(), record.partition()));
        if (end != null && record.offset() < end) {
            boolean skip = answeredBefore.claim(req.getQuestionId());
            metrics.redelivered(skip ? "skipped" : "called").increment();
            if (skip) {
                LOG.debugf("lane %s question %s: outcome already published before the restart, not called again",
                        model, req.getQuestionId());
                return Admission.ANSWERED_BEFORE;
            }
        }
        if (!recent.claim(req.getQuestionId())) {
            metrics.duplicate();
            LOG.infof("lane %s question %s (run %s): requested again while answered or being answered (a republish); "
                    + "not called again", model, req.getQuestionId(), req.getRunId());
            return Admission.DUPLICATE;
        }
        return Admission.CALL;
    }

    /** An OK outcome of an admitted question was acknowledged: later copies are not called. */
    void answered(String questionId) {
        recent.answered(questionId);
    }

    /** An admitted question ended without an acknowledged OK outcome (FAILED, retry topic, not sent): may come again. */
    void released(String questionId) {
        recent.release(questionId);
    }

    /**
     * A partition assigned with records past its last commit, up to {@code end}: those may have been answered, from
     * {@code committedAt} on.
     */
    void recovering(TopicPartition tp, long end, Instant committedAt) {
        recoveryEnd.put(tp, end);
        recoveredAt.put(tp, committedAt.toEpochMilli());
    }

    /** From when an outcome of this record may exist: the recovered commit time for a record delivered again, else now. */
    long takenAt(TopicPartition tp, long offset, long now) {
        Long end = recoveryEnd.get(tp);
        Long at = recoveredAt.get(tp);
        return end != null && at != null && offset < end ? Math.min(at, now) : now;
    }

    /** Reads the outcomes published since the last commit; returns how many. */
    int loadAnsweredSince(Instant since) {
        return answeredBefore.loadSince(since);
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(recoveryEnd::remove);
        partitions.forEach(recoveredAt::remove);
    }
}
