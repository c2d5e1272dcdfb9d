package dev.spavl.generator.rest;

import dev.spavl.generator.persistence.RunRecord;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A run and its progress as the generator's API shows it. */
public record RunView(String runId, String status, String waitingFor, String failure, String sourceKind, String sourceUri,
                      String fanOut, Integer sampleSize, long seed, List<String> questionTypes, List<String> targets,
                      Integer imageLimit, String requestedBy, Instant requestedAt, String eventId, Progress progress,
                      Cancellation cancellation) {

    /** Set once the run was cancelled: when, by whom and why, as the cancel said. */
    public record Cancellation(Instant at, String by, String reason) {
    }

    /** Counts kept in PostgreSQL as the run advances. */
    public record Progress(int imagesTotal, int imagesAccepted, int imagesRejected, int imagesDuplicate,
                           int easyQuestions, int hardQuestions, int hardStatements, int requestsDispatched,
                           int responsesReceived, Instant updatedAt) {
    }

    static RunView of(RunRecord r, String waitingFor) {
        return new RunView(r.runId, r.status, waitingFor, r.failure, r.sourceKind, r.sourceUri, r.fanOut, r.sampleSize, r.seed,
                split(r.questionTypes), split(r.targets), r.imageLimit, r.requestedBy, r.requestedAt, r.eventId,
                new Progress(r.imagesTotal, r.imagesAccepted, r.imagesRejected, r.imagesDuplicate, r.questionsEasy,
                        r.questionsHard, r.statementsHard, r.requestsDispatched, r.responsesReceived, r.updatedAt),
                r.cancelledAt == null ? null : new Cancellation(r.cancelledAt, r.cancelledBy, r.cancelReason));
    }

    private static List<String> split(String csv) {
        return csv == null || csv.isEmpty() ? List.of() : Arrays.asList(csv.split(","));
    }
}
