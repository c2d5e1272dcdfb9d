package dev.spavl.observability;

import org.jboss.logging.MDC;

/**
 * The ids of the record being processed as logging context (MDC): {@code run_id}, {@code question_id} and
 * {@code model_id}, so every log line written meanwhile carries them (as fields of the JSON log format). Opened
 * where a service starts on a record and closed when it is done with it; closing restores what the keys held
 * before, so nested scopes (a lane's request inside a batch) and reused worker threads never show stale ids.
 * A null id leaves its key as it was (e.g. no model for a question's label).
 *
 * <p>JBoss Logging's MDC is the one Quarkus' log manager reads. On a Vert.x duplicated context Quarkus stores the
 * MDC in that context, so the ids follow a reactive chain across threads; elsewhere it is the thread's own.
 */
public final class RecordLogContext implements AutoCloseable {

    public static final String RUN_ID = "run_id";
    public static final String QUESTION_ID = "question_id";
    public static final String MODEL_ID = "model_id";

    private static final String[] KEYS = {RUN_ID, QUESTION_ID, MODEL_ID};

    private final Object[] previous = new Object[KEYS.length];
    private final boolean[] set = new boolean[KEYS.length];
    private boolean closed;

    private RecordLogContext(String... values) {
        for (int i = 0; i < KEYS.length; i++) {
            if (values[i] != null) {
                previous[i] = MDC.get(KEYS[i]);
                set[i] = true;
                MDC.put(KEYS[i], values[i]);
            }
        }
    }

    /** Sets the non-null ids until {@link #close()}. */
    public static RecordLogContext of(String runId, String questionId, String modelId) {
        return new RecordLogContext(runId, questionId, modelId);
    }

    /** Restores the keys this scope set to their earlier values (or removes them). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = KEYS.length - 1; i >= 0; i--) {
            if (!set[i]) {
                continue;
            }
            if (previous[i] == null) {
                MDC.remove(KEYS[i]);
            } else {
                MDC.put(KEYS[i], previous[i]);
            }
        }
    }
}
