package dev.spavl.generator.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gives the 4xx answers the framework makes (unknown path, wrong method, unsupported media type, unreadable body) a
 * problem body like the API's own ones; 5xx answers are left as they are.
 */
public class ProblemMappers {

    /** Not JSON (a body written by the API failing is a server error, not this). */
    @ServerExceptionMapper
    public Response notJson(StreamReadException e, UriInfo uri) {
        return malformed(e, uri);
    }

    /** A field of the wrong JSON type (Quarkus' own mapper for this one answers in a shape of its own). */
    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e, UriInfo uri) {
        return malformed(e, uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri, HttpHeaders request) {
        Response original = e.getResponse();
        if (e.getCause() instanceof StreamReadException || e.getCause() instanceof MismatchedInputException) {
            return malformed((JsonProcessingException) e.getCause(), uri);
        }
        if (original.getStatus() < 400 || original.getStatus() >= 500) {
            return original;
        }
        Response.ResponseBuilder problem = Problems.of(original.getStatusInfo(), detail(e, original, uri, request), uri.getPath());
        // keep what the answer says besides its body (the Allow of a 405)
        for (Map.Entry<String, List<Object>> header : original.getHeaders().entrySet()) {
            if (!header.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                header.getValue().forEach(v -> problem.header(header.getKey(), v));
            }
        }
        return problem.build();
    }

    private static String detail(WebApplicationException e, Response original, UriInfo uri, HttpHeaders request) {
        return switch (original.getStatus()) {
            case 404 -> "nothing at " + uri.getPath();
            case 405 -> {
                Collection<String> allowed = original.getAllowedMethods();
                yield "this method is not allowed at " + uri.getPath() + (allowed.isEmpty() ? ""
                        : "; allowed: " + allowed.stream().sorted().collect(Collectors.joining(", ")));
            }
            case 415 -> "the body must be application/json, got " + (request.getMediaType() == null ? "no Content-Type"
                    : request.getMediaType().toString());
            default -> e.getMessage();
        };
    }

    private static Response malformed(JsonProcessingException e, UriInfo uri) {
        return Problems.of(ProblemType.MALFORMED_JSON, describe(e), uri.getPath(), Map.of());
    }

    /** What is wrong and where: the field (for a wrong type) and the line and column. */
    static String describe(JsonProcessingException e) {
        StringBuilder out = new StringBuilder();
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            out.append("field '").append(path(mismatch.getPath())).append("': expected ")
                    .append(expected(mismatch.getTargetType()));
        } else {
            out.append(e.getOriginalMessage());
        }
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            out.append(" (line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr()).append(')');
        }
        return out.toString();
    }

    private static String path(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another JSON type";
        }
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
            return "a whole number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "a JSON object";
    }
}
