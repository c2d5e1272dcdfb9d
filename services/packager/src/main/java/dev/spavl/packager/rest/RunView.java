package dev.spavl.packager.rest;

import dev.spavl.packager.persistence.RunEntity;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A run as the packager's API shows it; {@code progress} only for a single run. {@code seedText} is {@code seed} as a
 * decimal string, exact for JavaScript clients (JSON.parse rounds a number above 2^53, and a rounded seed cannot
 * reproduce its run); {@code seed} stays a number for the clients that read it as one.
 */
public record RunView(String runId, String sourceKind, String sourceUri, String fanOut, Integer sampleSize,
                      long seed, String seedText, List<String> questionTypes, List<String> targets, Integer imageLimit,
                      String requestedBy, Instant requestedAt, Instant recordedAt, RunProgress progress, Cancellation cancellation) {

    /** Set once the run was cancelled: when, by whom and why; its open questions were closed CANCELLED. */
    public record Cancellation(Instant at, String by, String reason) {
        static Cancellation of(dev.spavl.packager.persistence.RunCancellationEntity c) {
            return c == null ? null : new Cancellation(c.cancelledAt, c.requestedBy, c.reason);
        }
    }

    /** Without progress (lists). */
    static RunView of(RunEntity r) {
        return of(r, null, null);
    }

    static RunView of(RunEntity r, RunProgress progress, Cancellation cancellation) {
        return new RunView(r.runId, r.sourceKind, r.sourceUri, r.fanOut, r.sampleSize, r.seed, Long.toString(r.seed),
                split(r.questionTypes), split(r.targets), r.imageLimit, r.requestedBy, r.requestedAt, r.recordedAt, progress,
                cancellation);
    }

    private static List<String> split(String csv) {
        return csv == null || csv.isEmpty() ? List.of() : Arrays.asList(csv.split(","));
    }
}
