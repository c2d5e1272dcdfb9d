package dev.spavl.generator.rest;

import jakarta.ws.rs.core.Response;

import java.net.URI;

/**
 * The problems the generator's API names (RFC 9457 {@code type}); any other 4xx is {@code about:blank} with the
 * HTTP status as its title. services/generator/README.md lists them.
 */
public enum ProblemType {
    /** The JSON of a run request is valid but a field is not (each one listed in {@code problems}). */
    INVALID_RUN_REQUEST(Response.Status.BAD_REQUEST, "Invalid run request"),
    /** The body is not JSON, or a field has the wrong JSON type. */
    MALFORMED_JSON(Response.Status.BAD_REQUEST, "Malformed JSON body"),
    /** offset or limit out of range. */
    INVALID_PAGING(Response.Status.BAD_REQUEST, "Invalid paging"),
    /** No run with this id was accepted. */
    RUN_NOT_FOUND(Response.Status.NOT_FOUND, "Run not found"),
    /** A cancel of a run that FAILED: nothing to cancel. */
    RUN_ALREADY_FAILED(Response.Status.CONFLICT, "Run already failed"),
    /** The broker did not take a cancel's announcement; nothing changed, the cancel can be repeated. */
    CANCEL_NOT_ANNOUNCED(Response.Status.SERVICE_UNAVAILABLE, "Cancel not announced"),
    /** The Idempotency-Key was first sent with another request body. */
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency-Key reused with another request body");

    private final int status;
    private final String title;

    ProblemType(Response.Status status, String title) {
        this(status.getStatusCode(), title);
    }

    ProblemType(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public URI uri() {
        return URI.create("urn:spavl:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
