package dev.spavl.db;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Whether a failed transaction is worth trying again as it is: PostgreSQL unreachable or restarting, a connection
 * lost, the server out of connections, or the transaction chosen as a deadlock or serialization victim. Bad data
 * (constraint violations, wrong types) is not: trying again cannot help, and the event goes to its dead-letter
 * topic with the reason.
 */
public final class TransientDatabaseFailure {

    /** SQLSTATE classes: connection exception, insufficient resources. */
    private static final Set<String> CLASSES = Set.of("08", "53");
    /** Serialization failure, deadlock victim; server shutting down, crashed, starting up (not 57014 statement timeout). */
    private static final Set<String> CODES = Set.of("40001", "40P01", "57P01", "57P02", "57P03");

    private static final Duration RETRY_FIRST = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(15);

    private TransientDatabaseFailure() {
    }

    public static boolean is(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            // the Vert.x client's error, or Hibernate Reactive's conversion of it (a SQLException without cause)
            String state = t instanceof PgException pg ? pg.getSqlState() : t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null) {
                return transientState(state, t.getMessage());
            }
            // a connection the server closed under a statement (restart, pg_terminate_backend) fails with this one
            if (t instanceof ConnectException || t instanceof ClosedChannelException || t instanceof ClosedConnectionException) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            // the reactive client reports a lost or refused connection without a SQLSTATE
            if (message.contains("connection refused") || message.contains("connection is closed")
                    || message.contains("connection reset") || message.contains("connection is not active")
                    || message.contains("closed connection") || message.contains("failed to connect")) {
                return true;
            }
        }
        return false;
    }

    public static boolean transientState(String state, String message) {
        if ("55000".equals(state)) {
            // the database closed to connections for maintenance (ALLOW_CONNECTIONS false), reopened later
            return String.valueOf(message).contains("not currently accepting connections");
        }
        return CODES.contains(state) || CLASSES.contains(state.substring(0, Math.min(2, state.length())));
    }

    /**
     * {@code work}, subscribed again with backoff (0.5 s doubling to 15 s) for as long as it fails transiently;
     * {@code beforeRetry} sees each such failure (the caller's log line and metric). Any other failure passes through.
     */
    public static <T> Uni<T> retriedWhileTransient(Supplier<Uni<T>> work, Consumer<Throwable> beforeRetry) {
        return Uni.createFrom().<T>deferred(() -> work.get())
                .onFailure(TransientDatabaseFailure::is).invoke(beforeRetry)
                .onFailure(TransientDatabaseFailure::is).retry().withBackOff(RETRY_FIRST, RETRY_MAX).indefinitely();
    }

    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
