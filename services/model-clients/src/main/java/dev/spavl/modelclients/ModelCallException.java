package dev.spavl.modelclients;

import dev.spavl.responder.starter.ModelFailure.Kind;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A model call that produced no usable {@link ChatResult}, classified so callers can decide on retries
 * without parsing messages. The message names provider, model, kind, HTTP status and a short excerpt of
 * the response body; clients scrub the API key out of it.
 */
public class ModelCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Kind kind;
    private final String provider;
    private final String model;
    private final int httpStatus;
    private final transient Duration retryAfter;

    /**
     * @param httpStatus  the response status, or 0 when no HTTP response arrived
     * @param detail      what happened, in a few words
     * @param bodyExcerpt a short excerpt of the response body, or {@code null}
     * @param retryAfter  the server's requested wait before retrying, or {@code null}
     */
    public ModelCallException(Kind kind, String provider, String model, int httpStatus, String detail,
                              String bodyExcerpt, Duration retryAfter, Throwable cause) {
        super(message(kind, provider, model, httpStatus, detail, bodyExcerpt, retryAfter), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.provider = provider;
        this.model = model;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    /** For fakes and tests: no HTTP status, body or cause. */
    public ModelCallException(Kind kind, String provider, String model, String detail) {
        this(kind, provider, model, 0, detail, null, null, null);
    }

    private static String message(Kind kind, String provider, String model, int httpStatus, String detail,
                                  String bodyExcerpt, Duration retryAfter) {
        StringBuilder sb = new StringBuilder()
                .append(provider).append(" model=").append(model).append(": ").append(kind);
        if (httpStatus > 0) {
            sb.append(" (HTTP ").append(httpStatus).append(')');
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append(": ").append(detail);
        }
        if (retryAfter != null) {
            sb.append("; retry after ").append(retryAfter);
        }
        if (bodyExcerpt != null && !bodyExcerpt.isEmpty()) {
            sb.append("; body: ").append(bodyExcerpt);
        }
        return sb.toString();
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind.retryable();
    }

    public String provider() {
        return provider;
    }

    public String model() {
        return model;
    }

    /** The HTTP status of the failed response, empty when none arrived (timeout, connection failure). */
    public OptionalInt httpStatus() {
        return httpStatus > 0 ? OptionalInt.of(httpStatus) : OptionalInt.empty();
    }

    /** The wait the server asked for (Retry-After header, or Gemini's RetryInfo); only for RATE_LIMITED. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
