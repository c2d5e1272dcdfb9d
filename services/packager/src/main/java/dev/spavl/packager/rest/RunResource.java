package dev.spavl.packager.rest;

import dev.spavl.packager.persistence.RunCancellationEntity;
import dev.spavl.packager.persistence.RunEntity;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.util.Locale;
import java.util.function.Supplier;

/** Runs recorded by the packager, with their progress. */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
@WithSession
public class RunResource {

    private static final int MAX_PAGE = 500;

    private final CountSnapshots counts;

    public RunResource(CountSnapshots counts) {
        this.counts = counts;
    }

    @GET
    public Uni<Response> list(@Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "100"))
                              @QueryParam("limit") String limitParam) {
        int limit = Paging.whole("limit", limitParam, 100, 1, MAX_PAGE);
        return RunEntity.<RunEntity>findAll(Sort.descending("requestedAt")).page(0, limit).list()
                .map(runs -> Response.ok(runs.stream().map(RunView::of).toList()).build());
    }

    /**
     * The run with its progress; a large run's counts may be a few seconds old ({@code progress.countedAt},
     * {@link CountSnapshots}) unless the request says {@code Cache-Control: no-cache}.
     */
    @GET
    @Path("/{runId}")
    public Uni<Response> get(@PathParam("runId") String runId, @HeaderParam(HttpHeaders.CACHE_CONTROL) String cacheControl) {
        boolean recount = cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("no-cache");
        Supplier<Uni<RunProgress>> count = () -> RunProgress.of(runId);
        return RunEntity.<RunEntity>findById(runId).flatMap(run -> run == null
                ? Uni.createFrom().item(Problem.notFound("run", runId, "the packager has not recorded this run (yet)"))
                : RunCancellationEntity.<RunCancellationEntity>findById(runId).flatMap(cancelled ->
                        (recount ? counts.recount("progress/" + runId, count) : counts.get("progress/" + runId, count))
                                .map(progress -> Response.ok(RunView.of(run, progress, RunView.Cancellation.of(cancelled))).build())));
    }

    /** The paper's Table 1 for this run; {@code split} = train, validation, test-harm or test-help (default: all). */
    @GET
    @Path("/{runId}/stats")
    public Uni<Response> stats(@PathParam("runId") String runId, @QueryParam("split") String split) {
        String key = split == null ? null : split.trim().toUpperCase().replace('-', '_');
        if (key != null && !java.util.Set.of("TRAIN", "VALIDATION", "TEST_HARM", "TEST_HELP").contains(key)) {
            return Uni.createFrom().item(Problem.badParameter("split", "must be one of train, validation, test-harm, test-help; got '"
                    + split + "'"));
        }
        return RunEntity.<RunEntity>findById(runId).flatMap(run -> run == null
                ? Uni.createFrom().item(Problem.notFound("run", runId, "the packager has not recorded this run (yet)"))
                : RunStatistics.of(runId, key).map(stats -> Response.ok(stats).build()));
    }
}
