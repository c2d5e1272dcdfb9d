package dev.spavl.packager.export;

import java.time.Instant;
import java.util.List;

/**
 * Where a run's export stands, kept beside the files ({@code <export-root>/<run>/export-status.json}) so it
 * survives restarts.
 */
public record ExportStatus(String runId, State state, Instant startedAt, Instant finishedAt, String directory,
                           long quadruples, long images, List<String> files, String error) {

    /** RUNNING while the files are written, then DONE, or FAILED with the error. */
    public enum State { RUNNING, DONE, FAILED }

    public static ExportStatus running(String runId, String directory) {
        return new ExportStatus(runId, State.RUNNING, Instant.now(), null, directory, 0, 0, List.of(), null);
    }

    public ExportStatus done(long quadruples, long images, List<String> files) {
        return new ExportStatus(runId, State.DONE, startedAt, Instant.now(), directory, quadruples, images, files, null);
    }

    public ExportStatus failed(String error) {
        return new ExportStatus(runId, State.FAILED, startedAt, Instant.now(), directory, quadruples, images, files, error);
    }

    /**
     * A status file that says RUNNING although this process runs no export of the run: the packager stopped during
     * it (a crash). Reported as FAILED with no finish time, so {@code AutoExport} starts it again.
     */
    public ExportStatus interrupted() {
        return new ExportStatus(runId, State.FAILED, startedAt, null, directory, quadruples, images, files,
                "interrupted: the packager stopped during this export; it is started again automatically or by POST .../export");
    }
}
