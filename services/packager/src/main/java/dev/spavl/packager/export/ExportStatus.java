package dev.spavl.packager.export;

import java.time.Instant;
import java.util.List;

/**
 * Where a run's export stands, kept beside the files ({@code <export-root>/<run>/export-status.json}) so it
 * survives restarts. state: RUNNING, DONE or FAILED (with the error).
 */
public record ExportStatus(String runId, String state, Instant startedAt, Instant finishedAt, String directory,
                           long quadruples, long images, List<String> files, String error) {

    public static ExportStatus running(String runId, String directory) {
        return new ExportStatus(runId, "RUNNING", Instant.now(), null, directory, 0, 0, List.of(), null);
    }

    public ExportStatus done(long quadruples, long images, List<String> files) {
        return new ExportStatus(runId, "DONE", startedAt, Instant.now(), directory, quadruples, images, files, null);
    }

    public ExportStatus failed(String error) {
        return new ExportStatus(runId, "FAILED", startedAt, Instant.now(), directory, quadruples, images, files, error);
    }
}
