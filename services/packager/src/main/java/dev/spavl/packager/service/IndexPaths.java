package dev.spavl.packager.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * For the current transaction only, index paths over sequential scans. The packager's bulk reads and writes go by
 * primary key with a batch of keys ({@code = any(...)}, {@code in (...)}), on tables that grow by thousands of rows a
 * minute during a run, faster than autovacuum refreshes their statistics; with stale statistics PostgreSQL chose to
 * read whole tables for them (processed_events, labels), one sequential scan per batch, growing with the run
 * (docs/benchmarks.md).
 */
final class IndexPaths {

    private IndexPaths() {
    }

    /** Must run inside a transaction ({@code set local} lasts until its end). */
    static Uni<Void> prefer() {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("set local enable_seqscan = off").executeUpdate()).replaceWithVoid();
    }
}
