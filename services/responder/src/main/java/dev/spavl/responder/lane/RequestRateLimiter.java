package dev.spavl.responder.lane;

import java.time.Duration;

/**
 * Requests-per-minute limit of one lane: a token bucket refilled continuously, at most one minute's
 * worth of burst. Blocking by design: lane workers are their own threads, never an event loop.
 * (Written here because no library on the stack offers a blocking per-lane limiter with this reporting.)
 */
final class RequestRateLimiter {

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    /** @param requestsPerMinute 0 = unlimited */
    RequestRateLimiter(int requestsPerMinute) {
        this.capacity = Math.max(1, requestsPerMinute);
        this.perNano = requestsPerMinute / (double) Duration.ofMinutes(1).toNanos();
        this.tokens = capacity;
        this.last = System.nanoTime();
    }

    boolean unlimited() {
        return perNano == 0;
    }

    /** Waits for a token; returns how long it waited. */
    Duration acquire() throws InterruptedException {
        if (unlimited()) {
            return Duration.ZERO;
        }
        long start = System.nanoTime();
        synchronized (this) {
            while (true) {
                refill();
                if (tokens >= 1) {
                    tokens -= 1;
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                long waitNanos = (long) Math.ceil((1 - tokens) / perNano);
                wait(Math.max(1, waitNanos / 1_000_000), 0);
            }
        }
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
    }
}
