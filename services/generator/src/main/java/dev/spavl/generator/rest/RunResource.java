package dev.spavl.generator.rest;

import dev.spavl.generator.mapping.RunRequestMapper;
import dev.spavl.generator.persistence.RunItem;
import dev.spavl.generator.persistence.RunRecord;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Starting runs and looking at them. */
@Path(RunResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    static final String PATH = "/api/runs";

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
     * Starts a run. 202 with the run when it is new, 200 when the Idempotency-Key names a run already accepted for
     * the same body, 422 when it names one accepted for another body, 400 with every problem (field and reason) when
     * the request is invalid; every refusal has a problem body (Problems).
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> start(RunRequestBody body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_KEY_LENGTH)) {
            return Uni.createFrom().item(invalid(List.of(new RunRequestMapper.Problem("Idempotency-Key",
                    "must be 1 to " + MAX_KEY_LENGTH + " characters"))));
        }
        return intake.request(body, idempotencyKey).map(outcome -> switch (outcome.kind()) {
            case INVALID -> invalid(outcome.problems());
            case KEY_REUSED -> Problems.of(ProblemType.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key '" + idempotencyKey
                            + "' was first sent with another request body, for run " + outcome.run().runId
                            + ": send that body again to get the run, or use a new key for a new run",
                    PATH, Map.of("runId", outcome.run().runId));
            case CREATED, REPEATED -> {
                if (outcome.kind() == RunIntake.Outcome.Kind.CREATED) {
                    worker.wake(); // committed: the worker reads the input now, not at its next tick
                }
                RunView view = RunView.of(outcome.run(), worker.waitingReason(outcome.run().runId));
                yield (outcome.kind() == RunIntake.Outcome.Kind.CREATED ? Response.accepted(view) : Response.ok(view))
                        .location(URI.create(PATH + "/" + view.runId()))
                        .build();
            }
        });
    }

    private static Response invalid(List<RunRequestMapper.Problem> problems) {
        String detail = problems.stream().map(p -> p.field() + ": " + p.reason()).collect(Collectors.joining("; "));
        return Problems.of(ProblemType.INVALID_RUN_REQUEST, detail, PATH, Map.of("problems", problems));
    }

    @GET
    @Path("/{runId}")
    @WithSession
    public Uni<Response> get(@PathParam("runId") String runId) {
        return RunRecord.<RunRecord>findById(runId).map(run -> run == null
                ? notFound(runId, PATH + "/" + runId)
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
            case NOT_FOUND -> notFound(runId, PATH + "/" + runId);
            case ALREADY_FAILED -> Problems.of(ProblemType.RUN_ALREADY_FAILED, "run " + runId + " FAILED ("
                    + outcome.run().failure + "): there is nothing to cancel", PATH + "/" + runId, Map.of("runId", runId));
        }).onFailure().recoverWithItem(f -> Problems.of(ProblemType.CANCEL_NOT_ANNOUNCED, "the broker did not take the "
                + "cancellation of run " + runId + " (" + f.getMessage() + "); nothing changed: send the DELETE again",
                PATH + "/" + runId, Map.of("runId", runId)));
    }


    /** The per-run rejection report: every row not taken, with where it was and why. */
    @GET
    @Path("/{runId}/rejections")
    @WithSession
    public Uni<Response> rejections(@PathParam("runId") String runId, @QueryParam("offset") @DefaultValue("0") int offset,
                                    @QueryParam("limit") @DefaultValue("100") int limit) {
        String instance = PATH + "/" + runId + "/rejections";
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            return Uni.createFrom().item(Problems.of(ProblemType.INVALID_PAGING, "offset >= 0 and 1 <= limit <= " + MAX_PAGE
                    + ", got offset " + offset + " and limit " + limit, instance, Map.of()));
        }
        return RunRecord.<RunRecord>findById(runId).flatMap(run -> run == null
                ? Uni.createFrom().item(notFound(runId, instance))
                : RunItem.rejected(runId, offset, limit).map(items -> Response.ok(Map.of(
                        "runId", runId,
                        "total", run.imagesRejected,
                        "rejections", items.stream().map(i -> new Rejection(i.rowNo, i.sourceRef, i.reason, i.detail)).toList()))
                        .build()));
    }

    private static Response notFound(String runId, String instance) {
        return Problems.of(ProblemType.RUN_NOT_FOUND, "no run with id '" + runId + "' was accepted", instance,
                Map.of("runId", runId));
    }

    /** One rejected row. */
    public record Rejection(int row, String reference, String reason, String detail) {
    }
}
