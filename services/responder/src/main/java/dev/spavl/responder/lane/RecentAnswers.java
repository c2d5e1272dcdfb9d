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

    private final Map<String, Boolean> ids;

    RecentAnswers(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.ids = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void add(String questionId) {
        ids.put(questionId, Boolean.TRUE);
    }

    synchronized boolean contains(String questionId) {
        return ids.get(questionId) != null;
    }
}
