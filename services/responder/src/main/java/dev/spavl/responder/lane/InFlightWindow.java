package dev.spavl.responder.lane;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The offsets a lane has handed to its workers and not yet finished, per partition. Requests finish in any order;
 * a partition may be committed only up to its oldest unfinished offset, so a crash redelivers every request whose
 * outcome was not published (and perhaps some that were: {@link AnsweredQuestions} catches those). Not thread-safe:
 * the lane thread owns it and settles the workers' {@link Finished} notes.
 */
final class InFlightWindow {

    /** A worker's note: the request at (partition, offset) is done, or failed with {@code error}. */
    record Finished(TopicPartition partition, long offset, Throwable error) {
    }

    /** Partition -> offset -> when the request was taken (epoch millis; see {@link #started(TopicPartition, long, long)}). */
    private final Map<TopicPartition, TreeMap<Long, Long>> open = new HashMap<>();
    private int size;

    void started(TopicPartition tp, long offset) {
        started(tp, offset, System.currentTimeMillis());
    }

    /**
     * {@code takenAt}: from when an outcome of this request may exist. Now for a new request; for one delivered again
     * after a crash, the commit time it was recovered from (an earlier run of the lane may have answered it then).
     */
    void started(TopicPartition tp, long offset, long takenAt) {
        if (open.computeIfAbsent(tp, k -> new TreeMap<>()).putIfAbsent(offset, takenAt) == null) {
            size++;
        }
    }

    void finished(TopicPartition tp, long offset) {
        TreeMap<Long, Long> offsets = open.get(tp);
        if (offsets != null && offsets.remove(offset) != null) {
            size--;
            if (offsets.isEmpty()) {
                open.remove(tp);
            }
        }
    }

    /** The offset to commit for {@code tp}: its oldest unfinished request, else the consumer's position. */
    long safeOffset(TopicPartition tp, long position) {
        TreeMap<Long, Long> offsets = open.get(tp);
        return offsets == null ? position : Math.min(offsets.firstKey(), position);
    }

    /**
     * The commit time to record with {@code tp}'s safe offset: {@code now}, or earlier when a request still open was
     * taken before. After a crash the lane looks for outcomes from that time on, so a request behind an old unfinished
     * one, answered long ago, is found and not called again.
     */
    long commitTime(TopicPartition tp, long now) {
        TreeMap<Long, Long> offsets = open.get(tp);
        if (offsets == null) {
            return now;
        }
        long oldest = now;
        for (long takenAt : offsets.values()) {
            oldest = Math.min(oldest, takenAt);
        }
        return oldest;
    }

    boolean anyInFlight(Collection<TopicPartition> partitions) {
        return partitions.stream().anyMatch(open::containsKey);
    }

    /** A revoked partition: its state goes with it (what is still open was not committed and is redelivered). */
    void forget(TopicPartition tp) {
        TreeMap<Long, Long> offsets = open.remove(tp);
        if (offsets != null) {
            size -= offsets.size();
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }
}
