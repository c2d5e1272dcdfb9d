package dev.spavl.packager.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * For the current transaction only: index paths over sequential scans, and no JIT compilation. The packager's bulk
 * reads and writes go by primary key with a batch of keys ({@code = any(...)}, {@code in (...)}), on tables that
 * grow by thousands of rows a minute during a run, faster than autovacuum refreshes their statistics (and never, where
 * autovacuum is off, as on the benchmark machine). With stale statistics PostgreSQL chose to read whole tables for
 * them (processed_events, labels), one scan per batch, growing with the run, and its cost estimates passed the JIT
 * threshold, so every batch statement was compiled to machine code first (docs/benchmarks.md).
 */
final class IndexPaths {

    private IndexPaths() {
    }

    /** Must run inside a transaction ({@code set local} lasts until its end). */
    static Uni<Void> prefer() {
        return Panache.getSession().flatMap(s -> SessionSql.select(s,
                "select set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)")).replaceWithVoid();
    }
}
