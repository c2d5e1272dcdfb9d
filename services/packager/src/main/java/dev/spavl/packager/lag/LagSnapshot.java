package dev.spavl.packager.lag;

import java.time.Instant;
import java.util.List;

/**
 * The last round of {@link ConsumerLagMonitor}, as the gauges show it, for in-process readers (the console).
 *
 * @param measuredAt when the round ran; null when no round has run yet (the monitor is off here or just started)
 */
public record LagSnapshot(Instant measuredAt, List<Entry> entries) {

    /** One group on one topic: records waiting, records consumed per second over the lag window, estimated seconds. */
    public record Entry(String group, String topic, long records, double ratePerSecond, double seconds) {
    }

    static final LagSnapshot NONE = new LagSnapshot(null, List.of());
}
