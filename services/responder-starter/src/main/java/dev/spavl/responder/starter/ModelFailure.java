package dev.spavl.responder.starter;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A call of the model that produced no usable answer. Throw the subclass that says what happened; the lane
 * decides on retries from it, exactly as for the built-in HTTP clients:
 *
 * <table>
 *   <caption>failures, their retries and the outcome's error kind</caption>
 *   <tr><th>class</th><th>when</th><th>retried</th><th>error_kind of the FAILED outcome</th></tr>
 *   <tr><td>{@link RateLimited}</td><td>too many requests or tokens (HTTP 429); may say when to come back</td><td>yes</td><td>RATE_LIMITED</td></tr>
 *   <tr><td>{@link ServerError}</td><td>the model's server failed (HTTP 5xx, overloaded)</td><td>yes</td><td>SERVER_ERROR</td></tr>
 *   <tr><td>{@link Timeout}</td><td>no complete answer in time</td><td>yes</td><td>TIMEOUT</td></tr>
 *   <tr><td>{@link ConnectionFailed}</td><td>connection refused or reset, DNS or TLS failure</td><td>yes</td><td>SERVER_ERROR</td></tr>
 *   <tr><td>{@link ClientError}</td><td>the request is wrong (other 4xx, auth, unknown model): fix the setup</td><td>no</td><td>CLIENT_ERROR</td></tr>
 *   <tr><td>{@link ContentBlocked}</td><td>the model or its provider refused for safety reasons</td><td>no</td><td>CONTENT_BLOCKED</td></tr>
 *   <tr><td>{@link InvalidOutput}</td><td>the model answered, but not with anything usable</td><td>no</td><td>INVALID_OUTPUT</td></tr>
 * </table>
 *
 * A retryable failure is retried in process ({@code retry.max-attempts}, backoff with jitter, a
 * {@link #retryAfter()} wins), then through the lane's retry topic; when the rounds run out the request is
 * dead-lettered and a FAILED outcome is published. A permanent one is FAILED at once. The message becomes the
 * outcome's {@code error_message} (cut at 500 characters): keep secrets out of it.
 */
public abstract sealed class ModelFailure extends RuntimeException permits ModelFailure.RateLimited, ModelFailure.ServerError,
        ModelFailure.Timeout, ModelFailure.ConnectionFailed, ModelFailure.ClientError, ModelFailure.ContentBlocked,
        ModelFailure.InvalidOutput {

    private static final long serialVersionUID = 1L;

    /**
     * What went wrong, one constant per subclass: the one list of model failure kinds, also what the built-in model
     * clients (ModelCallException) classify by; mapped to the events' ErrorKind at the lanes' edge. The names are the
     * lanes' {@code kind} tag of {@code spavl_responder_model_errors_total}, lower-cased.
     */
    public enum Kind {
        /** HTTP 429: too many requests or tokens; the model may say how long to wait. */
        RATE_LIMITED(true),
        /** HTTP 5xx (including Anthropic's 529 "overloaded"). */
        SERVER_ERROR(true),
        /** No complete response within the endpoint's timeout (also HTTP 408 and connect timeouts). */
        TIMEOUT(true),
        /** Connection refused, reset or closed early; DNS or TLS failure. */
        CONNECTION(true),
        /** Any other 4xx (bad request, auth, unknown model, billing quota used up): fix the request or setup. */
        CLIENT_ERROR(false),
        /** The provider refused for safety reasons; the same input will be refused again. */
        CONTENT_BLOCKED(false),
        /** A 2xx response that is not the protocol's JSON or lacks the fields needed for a result. */
        INVALID_OUTPUT(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether sending the same request again can help. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;

    private ModelFailure(Kind kind, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = kind;
    }

    /**
     * The failure of a kind, for code that classifies errors by a kind of its own (an adapter of another client).
     *
     * @param retryAfter the wait the model asked for; only kept for {@link Kind#RATE_LIMITED}, may be null
     */
    public static ModelFailure of(Kind kind, String message, Duration retryAfter, Throwable cause) {
        return switch (Objects.requireNonNull(kind, "kind")) {
            case RATE_LIMITED -> new RateLimited(message, retryAfter, cause);
            case SERVER_ERROR -> new ServerError(message, cause);
            case TIMEOUT -> new Timeout(message, cause);
            case CONNECTION -> new ConnectionFailed(message, cause);
            case CLIENT_ERROR -> new ClientError(message, cause);
            case CONTENT_BLOCKED -> new ContentBlocked(message, cause);
            case INVALID_OUTPUT -> new InvalidOutput(message, cause);
        };
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind.retryable();
    }

    /** How long the model asked the caller to wait before the next call; only a {@link RateLimited} has one. */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }

    /** Too many requests or tokens (HTTP 429). Retried, after {@link #retryAfter()} when given. */
    public static final class RateLimited extends ModelFailure {
        private static final long serialVersionUID = 1L;
        private final transient Duration retryAfter;

        public RateLimited(String message) {
            this(message, null, null);
        }

        /** @param retryAfter the wait the model asked for, or null */
        public RateLimited(String message, Duration retryAfter) {
            this(message, retryAfter, null);
        }

        public RateLimited(String message, Duration retryAfter, Throwable cause) {
            super(Kind.RATE_LIMITED, message, cause);
            if (retryAfter != null && retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative (was " + retryAfter + ")");
            }
            this.retryAfter = retryAfter;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }

    /** The model's server failed (HTTP 5xx, overloaded). Retried. */
    public static final class ServerError extends ModelFailure {
        private static final long serialVersionUID = 1L;

        public ServerError(String message) {
            this(message, null);
        }

        public ServerError(String message, Throwable cause) {
            super(Kind.SERVER_ERROR, message, cause);
        }
    }

    /** No complete answer in time. Retried. */
    public static final class Timeout extends ModelFailure {
        private static final long serialVersionUID = 1L;

        public Timeout(String message) {
            this(message, null);
        }

        public Timeout(String message, Throwable cause) {
            super(Kind.TIMEOUT, message, cause);
        }
    }

    /** The model could not be reached: connection refused or reset, DNS or TLS failure. Retried. */
    public static final class ConnectionFailed extends ModelFailure {
        private static final long serialVersionUID = 1L;

        public ConnectionFailed(String message) {
            this(message, null);
        }

        public ConnectionFailed(String message, Throwable cause) {
            super(Kind.CONNECTION, message, cause);
        }
    }

    /** The request is wrong (bad request, auth, unknown model, used-up quota): not retried. */
    public static final class ClientError extends ModelFailure {
        private static final long serialVersionUID = 1L;

        public ClientError(String message) {
            this(message, null);
        }

        public ClientError(String message, Throwable cause) {
            super(Kind.CLIENT_ERROR, message, cause);
        }
    }

    /** The model or its provider refused for safety reasons; the same input is refused again: not retried. */
    public static final class ContentBlocked extends ModelFailure {
        private static final long serialVersionUID = 1L;

        public ContentBlocked(String message) {
            this(message, null);
        }

        public ContentBlocked(String message, Throwable cause) {
            super(Kind.CONTENT_BLOCKED, message, cause);
        }
    }

    /** The model answered with nothing usable (unparseable, no text and no stop reason): not retried. */
    public static final class InvalidOutput extends ModelFailure {
        private static final long serialVersionUID = 1L;

        public InvalidOutput(String message) {
            this(message, null);
        }

        public InvalidOutput(String message, Throwable cause) {
            super(Kind.INVALID_OUTPUT, message, cause);
        }
    }
}
