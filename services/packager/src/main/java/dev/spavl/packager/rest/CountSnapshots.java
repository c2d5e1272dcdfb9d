package dev.spavl.packager.rest;

import dev.spavl.packager.config.PackagerConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Counts over a whole run (its progress for {@code GET /api/runs/{id}} and the console) reused by later requests:
 * they take seconds at SPA-VL scale, and every poller (the console every 5 s, {@code ./spavl run --out}, dashboards)
 * asked PostgreSQL again. A count is reused for {@code progress-reuse-factor} times what it took, at most
 * {@code progress-max-age}; while a count runs, other requests get the last snapshot however old, so the counting
 * takes at most about 1/(1 + factor) of the database's time per run and view (progress, the console's pulse) however
 * many watch. A small run's counts (milliseconds) stay practically live. A failed count is not kept.
 *
 * <p>Snapshots never go back: of two counts that overlapped, the one begun later is kept. Only finished counts are
 * shared: each caller that finds none fresh counts in its own session (a count in flight
 * belongs to its caller's Vert.x context and Hibernate session, which another request must not continue on).
 */
@ApplicationScoped
public class CountSnapshots {

    private record Snapshot(Object value, long startedAtNanos, long countedAtNanos) {

        long costNanos() {
            return countedAtNanos - startedAtNanos;
        }
    }

    private final ConcurrentMap<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    /** Counts running per key. */
    private final ConcurrentMap<String, Integer> counting = new ConcurrentHashMap<>();
    private final int reuseFactor;
    private final long maxAgeNanos;
    private final LongSupplier clock;

    @Inject
    public CountSnapshots(PackagerConfig config) {
        this(config.progressReuseFactor(), config.progressMaxAge(), System::nanoTime);
    }

    CountSnapshots(int reuseFactor, Duration maxAge, LongSupplier clock) {
        if (reuseFactor < 0) {
            throw new IllegalArgumentException("spavl.packager.progress-reuse-factor must be 0 or more, got " + reuseFactor);
        }
        this.reuseFactor = reuseFactor;
        this.maxAgeNanos = maxAge.toNanos();
        this.clock = clock;
    }

    /**
     * The snapshot under {@code key} if still fresh or if a count of it is running (0 = never reused: always counts),
     * else a new count (kept for the next callers).
     */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> get(String key, Supplier<Uni<T>> count) {
        Snapshot s = snapshots.get(key);
        if (s != null && reuseFactor > 0 && (counting.containsKey(key)
                || clock.getAsLong() - s.countedAtNanos < Math.min(maxAgeNanos, s.costNanos() * reuseFactor))) {
            return Uni.createFrom().item((T) s.value);
        }
        return recount(key, count);
    }

    /** A new count whatever the snapshot's age (a request with {@code Cache-Control: no-cache}), kept for the next callers. */
    public <T> Uni<T> recount(String key, Supplier<Uni<T>> count) {
        return Uni.createFrom().deferred(() -> {
            counting.merge(key, 1, Integer::sum);
            long start = clock.getAsLong();
            return Uni.createFrom().<T>deferred(() -> count.get()).invoke(value -> {
                long end = clock.getAsLong();
                // forget the snapshots nobody asked for within the longest reuse (runs no longer watched)
                snapshots.values().removeIf(old -> end - old.countedAtNanos > maxAgeNanos);
                // of two counts that overlapped, the one begun later stays: a poller never sees the figures go back
                snapshots.merge(key, new Snapshot(value, start, end), (kept, made) -> made.startedAtNanos >= kept.startedAtNanos ? made : kept);
            }).onTermination().invoke(() -> counting.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1));
        });
    }
}
