package dev.spavl.packager.service;

import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.pool.ReactiveConnection;

import java.util.ArrayList;
import java.util.List;

/**
 * A native select on the session's own connection, in its transaction, past Hibernate's query plan cache. The
 * packager runs a few native selects for every batch of events; as {@code session.createNativeQuery(...)} each one
 * cost a plan-cache lookup that could never hit and one more entry in the cache. Hibernate Reactive 3.2 wraps every
 * native query's result set mapping, named or not, in a {@code ReactiveResultSetMapping} that does not override
 * {@code equals}, and the plan's key ({@code SelectInterpretationsKey}: SQL text, mapping, query spaces) compares the
 * mapping with {@code equals}. So every execution missed, stored another plan under the same hash (the SQL text's),
 * and each lookup walked that ever longer bucket (docs/benchmarks.md, issue 21).
 *
 * <p>Parameters are PostgreSQL's ({@code $1}, {@code $2}, ...); values are bound as given. A row is an
 * {@code Object[]} of the Vert.x client's column values (varchar: String, bigint: Long, boolean: Boolean), which is
 * what Hibernate returned for these columns. For the sessions Panache opens (a connection of their own); a session
 * of {@code SessionFactory.createSession()} holds a proxy connection whose {@code select(sql, params)} drops the
 * parameters in Hibernate Reactive 3.2.
 */
final class SessionSql {

    private SessionSql() {
    }

    /** Must run inside the session's transaction, like every statement of the packager's event handling. */
    static Uni<List<Object[]>> select(Mutiny.Session session, String sql, Object... parameters) {
        // a native query flushes the session first in a transaction (JPA's rule, which Hibernate follows under
        // Quarkus), so that it sees the transaction's pending changes: the same here
        return session.flush()
                .chain(() -> Uni.createFrom().completionStage(() -> connection(session).select(sql, parameters)))
                .map(result -> {
                    List<Object[]> rows = new ArrayList<>(result.size());
                    result.forEachRemaining(rows::add);
                    return rows;
                });
    }

    private static ReactiveConnection connection(Mutiny.Session session) {
        // the connection that holds the session's transaction; Mutiny.Session has no public way to it
        if (session instanceof MutinySessionImpl s) {
            return s.getReactiveConnection();
        }
        throw new IllegalStateException("not a Hibernate Reactive Mutiny session: " + session.getClass().getName());
    }
}
