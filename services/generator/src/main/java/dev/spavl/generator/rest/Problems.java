package dev.spavl.generator.rest;

import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problem details ({@code application/problem+json}): the body of every 4xx of the generator's API. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    /**
     * @param instance   the request path the problem occurred at
     * @param extensions further members (e.g. {@code problems}, {@code runId}), in order
     */
    public static Response of(ProblemType type, String detail, String instance, Map<String, ?> extensions) {
        return body(Response.status(type.status()), type.uri().toString(), type.title(), type.status(), detail, instance,
                extensions).build();
    }

    /**
     * A status without a problem type of its own: {@code about:blank}, titled with the status' reason phrase; a builder,
     * so headers of the original answer (Allow of a 405) can be kept.
     */
    public static Response.ResponseBuilder of(Response.StatusType status, String detail, String instance) {
        return body(Response.status(status.getStatusCode()), "about:blank", status.getReasonPhrase(), status.getStatusCode(),
                detail, instance, Map.of());
    }

    private static Response.ResponseBuilder body(Response.ResponseBuilder builder, String type, String title, int status, String detail,
                                 String instance, Map<String, ?> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (instance != null) {
            body.put("instance", instance);
        }
        body.putAll(extensions);
        return builder.type(MEDIA_TYPE).entity(body);
    }
}
