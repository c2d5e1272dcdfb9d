package dev.spavl.responder.lane;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The questions a lane answered (OK, published) in this process, the most recent {@code capacity} of them. A
 * request that arrives again while its answer is remembered is not sent to the model a second time: the
 * generator republishes an image's requests when it crashed between publishing and recording them, and a paid
 * call should not be repeated for that. A FAILED outcome is not remembered, so a replayed request is called again.
 * After a lane crash the memory is gone; {@link AnsweredQuestions} covers that case from the outcomes topic.
 */
final class RecentAnswers {

    private enum State { IN_FLIGHT, ANSWERED }

    private final Map<String, State> ids;

    RecentAnswers(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.ids = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * True when the lane may call the model for this question now, and marks it in flight; false when it was
     * answered recently or another copy of the request is being answered (two copies in one poll batch).
     */
    synchronized boolean claim(String questionId) {
        if (ids.containsKey(questionId)) {
            return false;
        }
        ids.put(questionId, State.IN_FLIGHT);
        return true;
    }

    /** The question was answered OK and published: later copies are not called. */
    synchronized void answered(String questionId) {
        ids.put(questionId, State.ANSWERED);
    }

    /** The call did not end in a published OK answer: a later copy may be called. */
    synchronized void release(String questionId) {
        if (ids.get(questionId) == State.IN_FLIGHT) {
            ids.remove(questionId);
        }
    }
}
