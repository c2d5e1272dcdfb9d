package dev.spavl.packager.rest;

import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Errors as RFC 9457 problem details ({@code application/problem+json}): what, where, why. {@code instance}, the
 * request's path, is added to every problem answer by {@link ProblemMappers#instance}.
 */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";

    private Problem() {
    }

    public static Response of(Response.Status status, String title, String detail, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status.getStatusCode());
        body.put("detail", detail);
        body.putAll(extra);
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }

    public static Response badParameter(String parameter, String reason) {
        return badParameter(parameter, "parameter '" + parameter + "' " + reason, Map.of());
    }

    static Response badParameter(String parameter, String detail, Map<String, Object> extra) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("parameter", parameter);
        members.putAll(extra);
        return of(Response.Status.BAD_REQUEST, "invalid query parameter", detail, members);
    }

    public static Response notFound(String what, String id, String reason) {
        return of(Response.Status.NOT_FOUND, what + " not found", what + " " + id + ": " + reason, Map.of("id", id));
    }
}
