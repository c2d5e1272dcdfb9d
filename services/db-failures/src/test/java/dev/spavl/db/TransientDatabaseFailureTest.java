package dev.spavl.db;

import io.vertx.sqlclient.ClosedConnectionException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class TransientDatabaseFailureTest {

    private static Throwable hibernateWrapped(String message, String state) {
        // Hibernate Reactive turns the server's error into a SQLException without cause, wrapped again on the way up
        return new CompletionException(new RuntimeException("HR000057: Failed to execute statement [...]",
                new SQLException(message, state)));
    }

    @Test
    void connectionLossesRestartsDeadlocksAndSerializationFailuresAreRetried() {
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("deadlock detected", "40P01"))).isTrue();
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("could not serialize access", "40001"))).isTrue();
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("the database system is starting up", "57P03"))).isTrue();
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("connection failure", "08006"))).isTrue();
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("too many connections", "53300"))).isTrue();
        assertThat(TransientDatabaseFailure.is(hibernateWrapped(
                "database \"x\" is not currently accepting connections", "55000"))).isTrue();
        assertThat(TransientDatabaseFailure.is(new RuntimeException(new ConnectException("Connection refused")))).isTrue();
        assertThat(TransientDatabaseFailure.is(new RuntimeException("HR000057", ClosedConnectionException.INSTANCE)))
                .as("a connection closed under the statement").isTrue();
    }

    @Test
    void badDataAndStatementsThatWillFailAgainGoToTheDeadLetterTopic() {
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("duplicate key value violates unique constraint", "23505"))).isFalse();
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("column \"questionid\" does not exist", "42703"))).isFalse();
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("canceling statement due to statement timeout", "57014"))).isFalse();
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("lock timeout", "55P03"))).isFalse();
        assertThat(TransientDatabaseFailure.is(hibernateWrapped("object in use", "55000"))).isFalse();
        assertThat(TransientDatabaseFailure.is(new IllegalStateException("request timeout while parsing"))).isFalse();
    }
}
