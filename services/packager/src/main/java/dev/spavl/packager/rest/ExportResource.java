package dev.spavl.packager.rest;

import dev.spavl.packager.export.DatasetExporter;
import dev.spavl.packager.persistence.RunEntity;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Exports a run's dataset (POST) and reports where it stands and which files it wrote (GET). */
@Path("/api/runs/{runId}/export")
@Produces(MediaType.APPLICATION_JSON)
public class ExportResource {

    private final DatasetExporter exporter;

    public ExportResource(DatasetExporter exporter) {
        this.exporter = exporter;
    }

    /** 202 with the status; the export runs in the background (one at a time) and streams to files. */
    @POST
    @WithSession
    public Uni<Response> start(@PathParam("runId") String runId) {
        return RunEntity.<RunEntity>findById(runId).flatMap(run -> run == null
                ? Uni.createFrom().item(Problem.notFound("run", runId, "the packager has not recorded this run (yet)"))
                : RunStatistics.of(runId, "TRAIN").map(stats -> Response.accepted(exporter.start(runId, stats)).build()));
    }

    /** Reads the status file (its file list grows with the images): blocking, so on a worker thread. */
    @GET
    @Blocking
    public Response status(@PathParam("runId") String runId) {
        return exporter.status(runId)
                .map(s -> Response.ok(s).build())
                .orElseGet(() -> Problem.notFound("export", runId, "no export of this run was started; POST to start one"));
    }
}
