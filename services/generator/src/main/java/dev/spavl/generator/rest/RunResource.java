package dev.spavl.generator.rest;

import dev.spavl.generator.persistence.RunRecord;
import dev.spavl.generator.persistence.RunItem;
import dev.spavl.generator.service.RunIntake;
import dev.spavl.generator.service.RunWorker;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.Map;

/** Starting runs and looking at them. */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    static final int MAX_KEY_LENGTH = 200;

    static final int MAX_PAGE = 1000;

    private final RunIntake intake;
    private final RunWorker worker;

    public RunResource(RunIntake intake, RunWorker worker) {
        this.intake = intake;
        this.worker = worker;
    }

    /**
     * Starts a run. 202 with the run when it is new, 200 when the Idempotency-Key names a run
     * already accepted, 400 with every problem (field and reason) when the request is invalid.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> start(RunRequestBody body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_KEY_LENGTH)) {
            return Uni.createFrom().item(Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", "invalid run request", "problems", java.util.List.of(Map.of(
                            "field", "Idempotency-Key", "reason", "must be 1 to " + MAX_KEY_LENGTH + " characters"))))
                    .build());
        }
        return intake.request(body, idempotencyKey).map(outcome -> {
            if (!outcome.problems().isEmpty()) {
                return Response.status(Response.Status.BAD_REQUEST)
                        .entity(Map.of("error", "invalid run request", "problems", outcome.problems()))
                        .build();
            }
            RunView view = RunView.of(outcome.run(), worker.waitingReason(outcome.run().runId));
            return (outcome.created() ? Response.accepted(view) : Response.ok(view))
                    .location(URI.create("/api/runs/" + view.runId()))
                    .build();
        });
    }

    @GET
    @Path("/{runId}")
    @WithSession
    public Uni<Response> get(@PathParam("runId") String runId) {
        return RunRecord.<RunRecord>findById(runId).map(run -> run == null
                ? Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of("error", "run not found", "runId", runId, "reason", "no run with this id was accepted"))
                        .build()
                : Response.ok(RunView.of(run, worker.waitingReason(runId))).build());
    }

    /** The per-run rejection report: every row not taken, with where it was and why. */
    @GET
    @Path("/{runId}/rejections")
    @WithSession
    public Uni<Response> rejections(@PathParam("runId") String runId, @QueryParam("offset") @DefaultValue("0") int offset,
                                    @QueryParam("limit") @DefaultValue("100") int limit) {
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            return Uni.createFrom().item(Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", "invalid paging", "reason", "offset >= 0 and 1 <= limit <= " + MAX_PAGE)).build());
        }
        return RunRecord.<RunRecord>findById(runId).flatMap(run -> run == null
                ? Uni.createFrom().item(Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of("error", "run not found", "runId", runId, "reason", "no run with this id was accepted")).build())
                : RunItem.rejected(runId, offset, limit).map(items -> Response.ok(Map.of(
                        "runId", runId,
                        "total", run.imagesRejected,
                        "rejections", items.stream().map(i -> new Rejection(i.rowNo, i.sourceRef, i.reason, i.detail)).toList()))
                        .build()));
    }

    /** One rejected row. */
    public record Rejection(int row, String reference, String reason, String detail) {
    }
}
