package dev.spavl.packager.service;

import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseStatus;

/**
 * Which outcome of a (question, model) its answer row keeps: an OK is never replaced by a later FAILED, and an OK after
 * a FAILED replaces it (a request replayed from its lane's dead-letter topic answers after the FAILED published when it
 * was dead-lettered). One rule for the packager's per-record path, its per-poll batches and their SQL upsert.
 */
final class AnswerPrecedence {

    /** The rule in the upsert's {@code on conflict ... where}: the stored row is {@code answers}, the new one {@code excluded}. */
    static final String SQL_REPLACES = "answers.status <> 'OK' and excluded.status = 'OK'";

    private AnswerPrecedence() {
    }

    /** Whether an outcome with status {@code later} replaces the stored one with status {@code kept}. */
    static boolean replaces(ResponseStatus kept, ResponseStatus later) {
        return kept != ResponseStatus.OK && later == ResponseStatus.OK;
    }

    /** Of two outcomes of the same (question, model) in arrival order, the one the row ends with. */
    static ResponseOutcome kept(ResponseOutcome kept, ResponseOutcome later) {
        return replaces(kept.getStatus(), later.getStatus()) ? later : kept;
    }

    /**
     * The id an outcome is recorded as applied under (idempotent consumer): a lane gives the OK and the FAILED outcome
     * of a request the same event id, so an OK is recorded as {@code <event id>/OK} and is not taken for a duplicate of
     * the FAILED one.
     */
    static String appliedId(ResponseOutcome e) {
        return e.getStatus() == ResponseStatus.OK ? e.getEventId() + "/OK" : e.getEventId();
    }
}
