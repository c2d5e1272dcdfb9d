package dev.spavl.responder.lane;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

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

    private final Map<TopicPartition, TreeSet<Long>> open = new HashMap<>();
    private int size;

    void started(TopicPartition tp, long offset) {
        if (open.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset)) {
            size++;
        }
    }

    void finished(TopicPartition tp, long offset) {
        TreeSet<Long> offsets = open.get(tp);
        if (offsets != null && offsets.remove(offset)) {
            size--;
            if (offsets.isEmpty()) {
                open.remove(tp);
            }
        }
    }

    /** The offset to commit for {@code tp}: its oldest unfinished request, else the consumer's position. */
    long safeOffset(TopicPartition tp, long position) {
        TreeSet<Long> offsets = open.get(tp);
        return offsets == null ? position : Math.min(offsets.first(), position);
    }

    boolean anyInFlight(Collection<TopicPartition> partitions) {
        return partitions.stream().anyMatch(open::containsKey);
    }

    /** A revoked partition: its state goes with it (what is still open was not committed and is redelivered). */
    void forget(TopicPartition tp) {
        TreeSet<Long> offsets = open.remove(tp);
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
