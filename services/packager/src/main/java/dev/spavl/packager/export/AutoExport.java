package dev.spavl.packager.export;

import dev.spavl.packager.config.PackagerConfig;
import dev.spavl.packager.rest.RunStatistics;
import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Exports a run when it is finished: it has questions, none is WAITING or JUDGING, and none closed during the
 * last {@code spavl.packager.export.quiet-period}. A run whose last export predates its latest closed question
 * (late events reopened nothing but added quadruples) is exported again. Blocking (JDBC, status files): the
 * scheduler runs it on a worker thread.
 */
@ApplicationScoped
public class AutoExport {

    private static final Logger LOG = Logger.getLogger(AutoExport.class);

    private final AgroalDataSource db;
    private final DatasetExporter exporter;
    private final PackagerConfig config;

    public AutoExport(AgroalDataSource db, DatasetExporter exporter, PackagerConfig config) {
        this.db = db;
        this.exporter = exporter;
        this.config = config;
    }

    @Scheduled(every = "${spavl.packager.export.check-interval:15s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void exportFinishedRuns() throws Throwable {
        if (!config.export().auto()) {
            return;
        }
        for (Map.Entry<String, Instant> run : finishedRuns().entrySet()) {
            String runId = run.getKey();
            Optional<ExportStatus> last = exporter.status(runId);
            if (last.isPresent() && (last.get().state() == ExportStatus.State.RUNNING
                    || (last.get().finishedAt() != null && last.get().finishedAt().isAfter(run.getValue())))) {
                continue;
            }
            RunStatistics stats = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> RunStatistics.of(runId, "TRAIN")));
            LOG.infof("run %s is finished (last question closed %s): exporting it", runId, run.getValue());
            exporter.start(runId, stats);
        }
    }

    /** Run id -> when its last question closed, for runs with no open question and a quiet period behind them. */
    private Map<String, Instant> finishedRuns() throws Exception {
        String sql = "select run_id, max(closed_at) from questions group by run_id "
                + "having sum(case when state in ('WAITING', 'JUDGING') then 1 else 0 end) = 0 and max(closed_at) < ?";
        Map<String, Instant> out = new LinkedHashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setTimestamp(1, Timestamp.from(Instant.now().minus(config.export().quietPeriod())));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return out;
    }
}
