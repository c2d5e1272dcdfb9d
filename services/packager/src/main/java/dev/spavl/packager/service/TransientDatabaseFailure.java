package dev.spavl.packager.service;

import io.vertx.pgclient.PgException;

import java.net.ConnectException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a failed transaction is worth trying again as it is: PostgreSQL unreachable or restarting, a connection
 * lost, the server out of connections, or the transaction chosen as a deadlock or serialization victim. Bad data
 * (constraint violations, wrong types) is not: trying again cannot help, and the event goes to its dead-letter
 * topic with the reason.
 */
final class TransientDatabaseFailure {

    /** SQLSTATE classes and codes: connection exception, insufficient resources, operator intervention, rollback. */
    private static final Set<String> CLASSES = Set.of("08", "53", "57");
    private static final Set<String> CODES = Set.of("40001", "40P01");

    private TransientDatabaseFailure() {
    }

    static boolean is(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof PgException pg) {
                String state = pg.getSqlState();
                if ("55000".equals(state) && String.valueOf(pg.getMessage()).contains("not currently accepting connections")) {
                    return true; // the database closed for maintenance (ALLOW_CONNECTIONS false), reopened later
                }
                return state != null && (CODES.contains(state) || CLASSES.contains(state.substring(0, Math.min(2, state.length()))));
            }
            if (t instanceof ConnectException || t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            // the reactive client reports a lost or refused connection without a SQLSTATE
            if (message.contains("connection refused") || message.contains("connection is closed")
                    || message.contains("connection reset") || message.contains("connection is not active")
                    || message.contains("closed connection")
                    || message.contains("failed to connect") || message.contains("timeout")) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
