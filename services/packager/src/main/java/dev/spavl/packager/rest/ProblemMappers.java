package dev.spavl.packager.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every 4xx of the packager's API (and its console's) as a problem body ({@link Problem}), also those Quarkus REST
 * answers itself (no such resource, wrong method, unacceptable media types), which it sends without a body. A small
 * mapper of our own: the quarkiverse problem extension on offer is built for an older Quarkus than this one.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response invalidParameter(InvalidParameterException e) {
        return Problem.badParameter(e.parameter(), e.getMessage(), e.extra());
    }

    /** A JAX-RS error without a body of its own (one with a body, e.g. a resource's problem, is kept as it is). */
    @ServerExceptionMapper
    public Response httpError(WebApplicationException e, ContainerRequestContext request) {
        Response given = e.getResponse();
        if (given.getStatus() < 400 || given.hasEntity()) {
            return given;
        }
        String path = request.getUriInfo().getRequestUri().getRawPath();
        String at = request.getMethod() + " " + path;
        Set<String> allowed = given.getStatus() == 405 ? allowed(given, request.getUriInfo().getPath()) : Set.of();
        String detail = switch (given.getStatus()) {
            case 404 -> "nothing here: " + at;
            case 405 -> "method " + request.getMethod() + " is not allowed on " + path + "; allowed: " + String.join(", ", allowed);
            case 406 -> "cannot answer " + at + " in a media type the request accepts (Accept: " + request.getHeaderString("Accept")
                    + "); this API answers application/json";
            case 415 -> "the body's media type is not accepted by " + at + " (Content-Type: " + request.getHeaderString("Content-Type") + ")";
            default -> at + ": " + e.getMessage();
        };
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", given.getStatusInfo().getReasonPhrase());
        body.put("status", given.getStatus());
        body.put("detail", detail);
        // keeps the status and headers
        Response.ResponseBuilder out = Response.fromResponse(given).type(Problem.MEDIA_TYPE).entity(body);
        if (!allowed.isEmpty()) {
            out.allow(allowed);
        }
        return out.build();
    }

    private static Set<String> allowed(Response given, String path) {
        Set<String> allowed = new TreeSet<>(given.getAllowedMethods());
        if (allowed.isEmpty()) {
            allowed.addAll(AllowedMethods.of(path));
        }
        return allowed;
    }

    /** The request's path as the problem's {@code instance}, for every problem body however it was made. */
    @ServerResponseFilter
    @SuppressWarnings("unchecked")
    public void instance(ContainerRequestContext request, ContainerResponseContext response) {
        MediaType type = response.getMediaType();
        if (type != null && Problem.MEDIA_TYPE.equals(type.getType() + "/" + type.getSubtype())
                && response.getEntity() instanceof Map<?, ?> body && !body.containsKey("instance")) {
            Map<String, Object> withInstance = new LinkedHashMap<>((Map<String, Object>) body);
            withInstance.put("instance", request.getUriInfo().getRequestUri().getRawPath());
            response.setEntity(withInstance);
        }
    }
}
