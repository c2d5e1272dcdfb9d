package dev.spavl.packager.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.contracts.splits.SplitKeys;
import dev.spavl.packager.config.PackagerConfig;
import dev.spavl.packager.rest.RunStatistics;
import dev.spavl.taxonomy.Taxonomy;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes a run's dataset under {@code spavl.packager.export.root/<run>/} (staged in {@code <run>.partial}, moved into
 * place when whole): SPA-VL's Hugging Face layout and TRL's DPO tables ({@link ExportTable}, {@link HuggingFaceParquet}),
 * the training JSON per prompt type with its data config ({@link TrainingConfig}), SPA-VL's {@code meta_files/}
 * ({@link MetaFiles}) and the dataset card ({@link DatasetCard}), all from one snapshot of the database. Rows stream
 * from PostgreSQL through a server-side cursor straight to the files; what is kept grows only with the images (their
 * md5, one entry each) and the list of files the status reports.
 * Blocking (JDBC, files, blob store): runs on its own single thread, one export at a time.
 */
@ApplicationScoped
public class DatasetExporter {

    private static final Logger LOG = Logger.getLogger(DatasetExporter.class);

    private final AgroalDataSource db;
    private final BlobStore blobs;
    private final MeterRegistry metrics;
    private final Path root;
    private final Taxonomy taxonomy = Taxonomy.bundled();
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dataset-export");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ExportStatus> running = new ConcurrentHashMap<>();

    public DatasetExporter(AgroalDataSource db, BlobStore blobs, MeterRegistry metrics, PackagerConfig config) {
        this.db = db;
        this.blobs = blobs;
        this.metrics = metrics;
        this.root = Path.of(config.export().root()).toAbsolutePath().normalize();
    }

    /** Starts an export unless one of this run is running; returns its status. */
    public ExportStatus start(String runId, RunStatistics stats) {
        return running.computeIfAbsent(runId, id -> {
            ExportStatus status = ExportStatus.running(id, dir(id).toString());
            writeStatus(status);
            worker.submit(() -> run(status, stats));
            return status;
        });
    }

    /** The status of the run's latest export, if any. */
    public Optional<ExportStatus> status(String runId) {
        ExportStatus live = running.get(runId);
        if (live != null) {
            return Optional.of(live);
        }
        Path f = dir(runId).resolve("export-status.json");
        try {
            if (!Files.exists(f)) {
                return Optional.empty();
            }
            ExportStatus saved = json.readValue(f.toFile(), ExportStatus.class);
            // running here would be in `running`: the file is left from a packager that stopped mid-export
            return Optional.of(saved.state() == ExportStatus.State.RUNNING ? saved.interrupted() : saved);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private Path dir(String runId) {
        if (!runId.matches("[A-Za-z0-9._-]{1,80}")) {
            throw new IllegalArgumentException("run id '" + runId + "' cannot name a directory");
        }
        return root.resolve(runId);
    }

    private void run(ExportStatus status, RunStatistics stats) {
        Path out = Path.of(status.directory());
        Path staging = out.resolveSibling(out.getFileName() + ".partial");
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            Written written = writeAll(status.runId(), staging, stats);
            Path keepStatus = out.resolve("export-status.json");
            deleteTree(out);
            Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
            List<String> files = new ArrayList<>();
            try (var walk = Files.walk(out)) {
                walk.filter(Files::isRegularFile).filter(p -> !p.equals(keepStatus))
                        .forEach(p -> files.add(out.relativize(p).toString()));
            }
            files.sort(null);
            ExportStatus done = status.done(written.quadruples(), written.images(), files);
            writeStatus(done);
            metrics.counter("spavl.packager.exports", "status", "done").increment();
            LOG.infof("run %s exported to %s: %d quadruples, %d images", status.runId(), out, written.quadruples(), written.images());
        } catch (Exception e) {
            metrics.counter("spavl.packager.exports", "status", "failed").increment();
            LOG.errorf(e, "export of run %s failed", status.runId());
            writeStatus(status.failed(e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            running.remove(status.runId());
        }
    }

    private void writeStatus(ExportStatus status) {
        try {
            Path dir = Path.of(status.directory());
            Files.createDirectories(dir);
            Path tmp = dir.resolve("export-status.json.tmp");
            json.writeValue(tmp.toFile(), status);
            Files.move(tmp, dir.resolve("export-status.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.errorf(e, "cannot write the export status of run %s", status.runId());
        }
    }

    /** Writes every file of the export into {@code dir}; returns what the status reports. */
    private Written writeAll(String runId, Path dir, RunStatistics train) throws Exception {
        try (Connection c = db.getConnection()) {
            // one snapshot for every file (a run may still change while it is exported); PostgreSQL streams with a
            // cursor only inside a transaction
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            c.setAutoCommit(false);
            DatasetRows rows;
            Map<ExportTable, Long> tableRows;
            try (HuggingFaceParquet parquet = new HuggingFaceParquet(dir)) {
                rows = new DatasetRows(c, blobs, runId, dir, parquet);
                rows.writeQuadruples();
                rows.writeTestSplits();
                tableRows = parquet.rows();
            }
            MetaFiles meta = new MetaFiles(c, blobs, runId, dir);
            meta.writeImageInfo(rows.md5);
            meta.writeModelAnswers();
            TrainingConfig.write(dir.resolve("training"), rows.trainingByType);
            DatasetCard.Provenance provenance = provenance(c, runId);
            Map<String, Long> imagesBySplit = new java.util.LinkedHashMap<>();
            forEach(c, "select split, count(*) from images where run_id = ? group by split order by split", runId,
                    rs -> imagesBySplit.put(SplitKeys.key(rs.getString(1)), rs.getLong(2)));
            c.rollback();
            DatasetCard.write(dir.resolve("README.md"), new DatasetCard.Contents(runId, provenance, train, tableRows,
                    rows.trainingByType, imagesBySplit), taxonomy);
            return new Written(rows.quadruples, rows.md5.size());
        }
    }

    private record Written(long quadruples, long images) {
    }

    private static DatasetCard.Provenance provenance(Connection c, String runId) throws SQLException {
        Long seed = null;
        try (PreparedStatement st = c.prepareStatement("select seed from runs where run_id = ?")) {
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    seed = rs.getLong(1);
                }
            }
        }
        Map<String, Boolean> models = new TreeMap<>();
        forEach(c, "select model_id, bool_or(simulated) from answers where run_id = ? group by model_id", runId,
                rs -> models.put(rs.getString(1), rs.getBoolean(2)));
        Writers questions = writers(c, "select coalesce(generator_model, 'unrecorded'), bool_or(simulated) from questions "
                + "where run_id = ? group by 1", runId);
        Writers labels = writers(c, "select l.judge, bool_or(l.simulated) from labels l join questions q on q.question_id = l.question_id "
                + "where q.run_id = ? group by l.judge", runId);
        Writers pairs = writers(c, "select p.judge, bool_or(coalesce(p.simulated, false)) from pairs p "
                + "join questions q on q.question_id = p.question_id where q.run_id = ? and p.judge is not null group by p.judge", runId);
        DatasetCard.Cancellation[] cancelled = {null};
        forEach(c, "select x.cancelled_at, x.requested_by, x.reason, (select count(*) from questions q where q.run_id = x.run_id"
                + " and q.state = '" + dev.spavl.packager.persistence.QuestionEntity.State.CANCELLED.name()
                + "') from run_cancellations x where x.run_id = ?", runId,
                rs -> cancelled[0] = new DatasetCard.Cancellation(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
                        rs.getLong(4)));
        return new DatasetCard.Provenance(seed, models, questions.names(), questions.simulated(), labels.names(), labels.simulated(),
                pairs.names(), pairs.simulated(), cancelled[0]);
    }

    /** Who wrote one kind of text, and whether any of it was simulated. */
    private record Writers(Set<String> names, boolean simulated) {
    }

    /** {@code sql} selects (writer, bool_or(simulated)) rows of the run. */
    private static Writers writers(Connection c, String sql, String runId) throws SQLException {
        Set<String> names = new TreeSet<>();
        boolean simulated = false;
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    simulated |= rs.getBoolean(2);
                }
            }
        }
        return new Writers(names, simulated);
    }

    private interface RowConsumer {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void forEach(Connection c, String sql, String runId, RowConsumer each) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    each.accept(rs);
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

}
