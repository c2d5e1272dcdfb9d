package dev.spavl.packager.lag;

import java.time.Instant;

/** Lets tests outside this package run one lag round with their own clock (the scheduler is off in tests). */
public final class LagRounds {

    private LagRounds() {
    }

    public static void measure(ConsumerLagMonitor monitor, Instant at) throws Exception {
        monitor.measure(at);
    }
}
