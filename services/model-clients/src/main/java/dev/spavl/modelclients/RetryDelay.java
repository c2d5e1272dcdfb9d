package dev.spavl.modelclients;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a caller waits before attempt {@code n + 1} after a retryable failure: the provider's
 * Retry-After when it sent one, otherwise exponential backoff from {@code initial}, capped at
 * {@code max}, plus up to 20% jitter so that many callers do not retry in step. The clients do not
 * retry themselves; the generator and the responder lanes share this policy.
 */
public final class RetryDelay {

    private RetryDelay() {
    }

    /** @param failedAttempt the attempt that just failed, 1-based */
    public static Duration after(ModelCallException failure, int failedAttempt, Duration initial, Duration max) {
        return after(failure.retryAfter(), failedAttempt, initial, max);
    }

    /** @param retryAfter the wait the model asked for, if it named one */
    public static Duration after(Optional<Duration> retryAfter, int failedAttempt, Duration initial, Duration max) {
        return retryAfter.orElseGet(() -> backoff(failedAttempt, initial, max));
    }

    public static Duration backoff(int failedAttempt, Duration initial, Duration max) {
        long capped = Math.min(max.toMillis(), initial.toMillis() * (1L << Math.min(Math.max(failedAttempt, 1) - 1, 20)));
        return Duration.ofMillis(capped + (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble()));
    }
}
