package dev.spavl.packager.rest;

import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** Errors as RFC 7807 problem details ({@code application/problem+json}): what, where, why. */
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
        return of(Response.Status.BAD_REQUEST, "invalid query parameter", "parameter '" + parameter + "' " + reason,
                Map.of("parameter", parameter));
    }

    public static Response notFound(String what, String id, String reason) {
        return of(Response.Status.NOT_FOUND, what + " not found", what + " " + id + ": " + reason, Map.of("id", id));
    }
}
