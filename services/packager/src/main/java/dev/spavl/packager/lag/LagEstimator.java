package dev.spavl.packager.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Lag of one consumer group on one topic, in records and in estimated seconds: the records waiting (end offsets
 * minus committed offsets, summed over the partitions) divided by the group's recent consumption rate (how far its
 * committed offsets moved over the last {@code window}). Fed one observation per poll; pure, so it is unit-tested.
 *
 * <p>Seconds are 0 when nothing waits, and +Inf when records wait but the group consumed nothing within the window
 * (stuck or stopped): an operator's "never, at this rate". Before two observations exist the rate is unknown (NaN).
 */
public final class LagEstimator {

    /** Where a group stands on a topic at one moment. */
    public record Estimate(long records, double ratePerSecond, double seconds) {
    }

    private record Observation(Instant at, long committed) {
    }

    private final Duration window;
    private final Map<String, Deque<Observation>> history = new HashMap<>();

    public LagEstimator(Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        this.window = window;
    }

    /**
     * @param key       group and topic, e.g. {@code spavl-packager-responses|spavl.responses}
     * @param committed the group's committed offsets on the topic, summed over partitions
     * @param end       the topic's end offsets, summed over the same partitions
     */
    public synchronized Estimate observe(String key, Instant at, long committed, long end) {
        long records = Math.max(0, end - committed);
        Deque<Observation> seen = history.computeIfAbsent(key, k -> new ArrayDeque<>());
        seen.addLast(new Observation(at, committed));
        // keep the newest observation at or before the window's start, so the rate spans the whole window
        while (seen.size() > 2 && !seen.toArray(new Observation[0])[1].at().isAfter(at.minus(window))) {
            seen.removeFirst();
        }
        Observation oldest = seen.peekFirst();
        double elapsed = Duration.between(oldest.at(), at).toMillis() / 1000.0;
        if (elapsed <= 0) {
            return new Estimate(records, Double.NaN, records == 0 ? 0 : Double.NaN);
        }
        // offsets only move forward; a reset backwards (an operator's seek) counts as no progress
        double rate = Math.max(0, committed - oldest.committed()) / elapsed;
        double seconds = records == 0 ? 0 : rate == 0 ? Double.POSITIVE_INFINITY : records / rate;
        return new Estimate(records, rate, seconds);
    }

    /** Forgets groups and topics no longer seen, so their series stop. */
    public synchronized void retainOnly(java.util.Set<String> keys) {
        history.keySet().retainAll(keys);
    }
}
