package dev.spavl.generator.rest;

import dev.spavl.generator.persistence.RunRecord;
import dev.spavl.generator.persistence.RunItem;
import dev.spavl.generator.service.RunIntake;
import dev.spavl.generator.service.RunWorker;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import dev.spavl.generator.service.RunCancellation;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
    private final RunCancellation cancellation;

    public RunResource(RunIntake intake, RunWorker worker, RunCancellation cancellation) {
        this.intake = intake;
        this.worker = worker;
        this.cancellation = cancellation;
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

    /**
     * Cancels a run (RunCancellation says what that does and keeps): 202 with the run, CANCELLED; the same again for a
     * run already cancelled (the announcement is sent again); 409 for a FAILED run (nothing to cancel); 404 for an
     * unknown one; 503 when the broker did not take the announcement (nothing changed: send the DELETE again).
     */
    @DELETE
    @Path("/{runId}")
    public Uni<Response> cancel(@PathParam("runId") String runId, @QueryParam("reason") String reason,
                                @QueryParam("requestedBy") String requestedBy) {
        return cancellation.cancel(runId, requestedBy, reason).map(outcome -> switch (outcome.result()) {
            case CANCELLED -> Response.accepted(RunView.of(outcome.run(), null)).build();
            case NOT_FOUND -> problem(Response.Status.NOT_FOUND, "run not found", "no run with the id " + runId + " was accepted");
            case ALREADY_FAILED -> problem(Response.Status.CONFLICT, "run already failed",
                    "run " + runId + " FAILED (" + outcome.run().failure + "): there is nothing to cancel");
        }).onFailure().recoverWithItem(f -> problem(Response.Status.SERVICE_UNAVAILABLE, "cancel not announced",
                "the broker did not take the cancellation of run " + runId + " (" + f.getMessage()
                        + "); nothing changed: send the DELETE again"));
    }

    /** An RFC 9457 problem body. */
    static Response problem(Response.Status status, String title, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(Map.of("type", "about:blank", "title", title, "status", status.getStatusCode(), "detail", detail)).build();
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
