package dev.spavl.generator.rest;

import dev.spavl.generator.persistence.RunRecord;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A run as the generator's API shows it. */
public record RunView(String runId, String status, String sourceKind, String sourceUri, String fanOut,
                      Integer sampleSize, long seed, List<String> questionTypes, List<String> targets,
                      Integer imageLimit, String requestedBy, Instant requestedAt, String eventId) {

    static RunView of(RunRecord r) {
        return new RunView(r.runId, r.status, r.sourceKind, r.sourceUri, r.fanOut, r.sampleSize, r.seed,
                split(r.questionTypes), split(r.targets), r.imageLimit, r.requestedBy, r.requestedAt, r.eventId);
    }

    private static List<String> split(String csv) {
        return csv == null || csv.isEmpty() ? List.of() : Arrays.asList(csv.split(","));
    }
}
