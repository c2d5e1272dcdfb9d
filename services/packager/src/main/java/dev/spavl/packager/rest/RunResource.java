package dev.spavl.packager.rest;

import dev.spavl.packager.persistence.RunEntity;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** Runs recorded by the packager. */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
@WithSession
public class RunResource {

    private static final int MAX_PAGE = 500;

    @GET
    public Uni<Response> list(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            return Uni.createFrom().item(Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", "invalid query parameter", "parameter", "limit",
                            "reason", "must be between 1 and " + MAX_PAGE + ", got " + limit))
                    .build());
        }
        return RunEntity.<RunEntity>findAll(Sort.descending("requestedAt")).page(0, limit).list()
                .map(runs -> Response.ok(runs.stream().map(RunView::of).toList()).build());
    }

    @GET
    @Path("/{runId}")
    public Uni<Response> get(@PathParam("runId") String runId) {
        return RunEntity.<RunEntity>findById(runId).map(run -> run == null
                ? Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of("error", "run not found", "runId", runId,
                                "reason", "the packager has not recorded this run (yet)"))
                        .build()
                : Response.ok(RunView.of(run)).build());
    }

}
