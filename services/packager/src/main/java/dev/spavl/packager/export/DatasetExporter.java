package dev.spavl.packager.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.packager.rest.RunStatistics;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import dev.spavl.packager.config.PackagerConfig;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes a run's dataset under {@code spavl.packager.export.root/<run>/}: the Hugging Face Parquet layout
 * ({@link HuggingFaceParquet}: {@code data/train-*.parquet}, {@code validation/}, {@code test/{harm,help}-*}, images
 * embedded), the training code's JSON per split
 * ({@code training/<split>.json}, records {id, image, question, chosen, rejected}, image = the relative path
 * class1/class2/class3/name under {@code training/images/} where the images are copied), DPO-ready JSONL per split ({@code dpo/<split>.jsonl}),
 * the paper's {@code meta_files/} (image_info, model_answer, prefer with reason1/reason2, safety, split) and a
 * dataset card {@code README.md} with provenance and Table 1. Everything streams: rows come from PostgreSQL
 * through a server-side cursor and go straight to the files, so memory stays flat however large the run.
 * Blocking (JDBC, files, blob store): runs on its own single thread, one export at a time.
 */
@ApplicationScoped
public class DatasetExporter {

    private static final Logger LOG = Logger.getLogger(DatasetExporter.class);
    private static final int FETCH = 500;
    static final Map<String, String> TYPE_FILE = Map.of("EASY_QUESTION", "easy", "HARD_QUESTION", "hardq", "HARD_STATEMENT", "hards");
    static final Map<String, String> SPLIT_FILE = Map.of("TRAIN", "train", "VALIDATION", "validation", "TEST_HARM", "test_harm",
            "TEST_HELP", "test_help");

    private final AgroalDataSource db;
    private final BlobStore blobs;
    private final MeterRegistry metrics;
    private final Path root;
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
        this.root = Path.of(config.export().root()).toAbsolutePath();
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
            return Optional.of("RUNNING".equals(saved.state()) ? saved.interrupted() : saved);
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
            long[] counts = writeAll(status.runId(), staging, stats);
            Path keepStatus = out.resolve("export-status.json");
            deleteTree(out);
            Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
            List<String> files = new ArrayList<>();
            try (var walk = Files.walk(out)) {
                walk.filter(Files::isRegularFile).filter(p -> !p.equals(keepStatus))
                        .filter(p -> !p.startsWith(out.resolve("training/images")))
                        .forEach(p -> files.add(out.relativize(p).toString()));
            }
            files.sort(null);
            ExportStatus done = status.done(counts[0], counts[1], files);
            writeStatus(done);
            metrics.counter("spavl.packager.exports", "status", "done").increment();
            LOG.infof("run %s exported to %s: %d quadruples, %d images", status.runId(), out, counts[0], counts[1]);
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

    /** @return {quadruples, images} */
    private long[] writeAll(String runId, Path dir, RunStatistics stats) throws Exception {
        long quadruples;
        Set<String> images = new HashSet<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
            List<Path> parquetFiles = new ArrayList<>();
            quadruples = writeQuadruples(c, runId, dir, images, parquetFiles);
            writeImageInfo(c, runId, dir);
            writeModelAnswers(c, runId, dir);
            writeSplits(c, runId, dir);
            DatasetCard.Provenance provenance = provenance(c, runId);
            c.rollback();
            DatasetCard.write(dir.resolve("README.md"), runId, provenance, stats, quadruples, images.size(),
                    parquetFiles.stream().map(f -> dir.relativize(f).toString()).toList());
        }
        return new long[] {quadruples, images.size()};
    }

    private long writeQuadruples(Connection c, String runId, Path dir, Set<String> imagesWritten, List<Path> parquetFiles)
            throws Exception {
        String sql = """
                select d.quadruple_id, d.split, d.question_id, q.question_type, q.text, i.image_name, i.blob_uri, d.image_id,
                       ca.text, ra.text, d.chosen_model, d.rejected_model, p.reason1, p.reason2, p.judge, q.class1, q.class2, q.class3
                from quadruples d
                join questions q on q.question_id = d.question_id
                join images i on i.image_id = d.image_id
                join answers ca on ca.question_id = d.question_id and ca.model_id = d.chosen_model
                join answers ra on ra.question_id = d.question_id and ra.model_id = d.rejected_model
                join pairs p on p.pair_id = d.pair_id
                where d.run_id = ? order by d.split, d.quadruple_id""";
        Map<String, JsonGenerator> training = new LinkedHashMap<>();
        Map<String, JsonGenerator> dpo = new LinkedHashMap<>();
        Map<String, JsonGenerator> prefer = new LinkedHashMap<>();
        long n = 0;
        try (PreparedStatement st = c.prepareStatement(sql); HuggingFaceParquet parquet = new HuggingFaceParquet(dir)) {
            st.setFetchSize(FETCH);
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String split = SPLIT_FILE.getOrDefault(rs.getString(2), rs.getString(2).toLowerCase());
                    String type = TYPE_FILE.getOrDefault(rs.getString(4), rs.getString(4).toLowerCase());
                    String imageName = rs.getString(6);
                    // the training code joins this relative path (class1/class2/class3/name) to its image folder
                    String imagePath = imageName;
                    byte[] bytes = blobs.get(URI.create(rs.getString(7)));
                    if (imagesWritten.add(rs.getString(8))) {
                        Path target = dir.resolve("training/images").resolve(imagePath).normalize();
                        if (!target.startsWith(dir)) {
                            throw new IllegalStateException("image name '" + imageName + "' leaves the export directory");
                        }
                        Files.createDirectories(target.getParent());
                        Files.write(target, bytes);
                    }
                    parquet.write(rs.getString(2), bytes, imageName, rs.getString(5), rs.getString(9), rs.getString(10),
                            rs.getString(16), rs.getString(17), rs.getString(18));
                    JsonGenerator t = array(training, split, dir.resolve("training").resolve(split + ".json"));
                    t.writeStartObject();
                    t.writeStringField("id", rs.getString(1));
                    t.writeStringField("image", imagePath);
                    t.writeStringField("question", rs.getString(5));
                    t.writeStringField("chosen", rs.getString(9));
                    t.writeStringField("rejected", rs.getString(10));
                    t.writeEndObject();

                    JsonGenerator d = lines(dpo, split, dir.resolve("dpo").resolve(split + ".jsonl"));
                    d.writeStartObject();
                    d.writeStringField("prompt", rs.getString(5));
                    d.writeStringField("chosen", rs.getString(9));
                    d.writeStringField("rejected", rs.getString(10));
                    d.writeStringField("chosen_model", rs.getString(11));
                    d.writeStringField("rejected_model", rs.getString(12));
                    d.writeStringField("prompt_id", rs.getString(3));
                    d.writeStringField("image", "training/images/" + imagePath);
                    d.writeEndObject();
                    d.writeRaw('\n');

                    JsonGenerator p = array(prefer, type, dir.resolve("meta_files/prefer").resolve(type + ".json"));
                    p.writeStartObject();
                    p.writeStringField("question_id", rs.getString(3));
                    p.writeStringField("image", imageName);
                    p.writeStringField("question", rs.getString(5));
                    p.writeStringField("chosen", rs.getString(9));
                    p.writeStringField("rejected", rs.getString(10));
                    p.writeStringField("chosen_model", rs.getString(11));
                    p.writeStringField("rejected_model", rs.getString(12));
                    p.writeStringField("reason1", rs.getString(13));
                    p.writeStringField("reason2", rs.getString(14));
                    p.writeStringField("judge", rs.getString(15));
                    p.writeStringField("class1", rs.getString(16));
                    p.writeStringField("class2", rs.getString(17));
                    p.writeStringField("class3", rs.getString(18));
                    p.writeEndObject();
                    n++;
                }
            }
            parquetFiles.addAll(parquet.files());
        } finally {
            closeAll(training, true);
            closeAll(dpo, false);
            closeAll(prefer, true);
        }
        return n;
    }

    private void writeImageInfo(Connection c, String runId, Path dir) throws Exception {
        String sql = "select image_id, image_name, sha256, mime, width, height, caption, class1, class2, class3, split "
                + "from images where run_id = ? order by image_name";
        try (PreparedStatement st = c.prepareStatement(sql);
             JsonGenerator g = open(dir.resolve("meta_files/image_info/meta.json"))) {
            st.setFetchSize(FETCH);
            st.setString(1, runId);
            g.writeStartArray();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    g.writeStartObject();
                    g.writeStringField("image_id", rs.getString(1));
                    g.writeStringField("image", rs.getString(2));
                    g.writeStringField("sha256", rs.getString(3));
                    g.writeStringField("mime", rs.getString(4));
                    g.writeNumberField("width", rs.getInt(5));
                    g.writeNumberField("height", rs.getInt(6));
                    g.writeStringField("caption", rs.getString(7));
                    g.writeStringField("class1", rs.getString(8));
                    g.writeStringField("class2", rs.getString(9));
                    g.writeStringField("class3", rs.getString(10));
                    g.writeStringField("split", SPLIT_FILE.get(rs.getString(11)));
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
        }
    }

    /** model_answer/{type}.json and safety/{type}.json: one record per question with every model's answer and label. */
    private void writeModelAnswers(Connection c, String runId, Path dir) throws Exception {
        String sql = """
                select q.question_id, q.question_type, q.text, i.image_name, a.model_id, a.status, a.text, a.error_kind,
                       l.safe, l.score, l.harm_category, l.judge, ql.safe, ql.score, ql.harm_category
                from questions q
                left join images i on i.image_id = q.image_id
                left join answers a on a.question_id = q.question_id
                left join labels l on l.question_id = a.question_id and l.model_id = a.model_id
                left join labels ql on ql.question_id = q.question_id and ql.model_id = ''
                where q.run_id = ? order by q.question_id, a.model_id""";
        Map<String, JsonGenerator> answers = new LinkedHashMap<>();
        Map<String, JsonGenerator> safety = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setFetchSize(FETCH);
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                String current = null;
                JsonGenerator ga = null;
                JsonGenerator gs = null;
                while (rs.next()) {
                    String q = rs.getString(1);
                    if (!q.equals(current)) {
                        if (current != null) {
                            ga.writeEndArray();
                            ga.writeEndObject();
                            gs.writeEndArray();
                            gs.writeEndObject();
                        }
                        current = q;
                        String type = TYPE_FILE.getOrDefault(rs.getString(2), rs.getString(2).toLowerCase());
                        ga = array(answers, type, dir.resolve("meta_files/model_answer").resolve(type + ".json"));
                        gs = array(safety, type, dir.resolve("meta_files/safety").resolve(type + ".json"));
                        for (JsonGenerator g : List.of(ga, gs)) {
                            g.writeStartObject();
                            g.writeStringField("question_id", q);
                            g.writeStringField("image", rs.getString(4));
                            g.writeStringField("question", rs.getString(3));
                        }
                        gs.writeObjectField("question_safe", rs.getObject(13));
                        gs.writeObjectField("question_score", rs.getObject(14));
                        gs.writeStringField("question_harm_category", rs.getString(15));
                        ga.writeArrayFieldStart("answers");
                        gs.writeArrayFieldStart("answers");
                    }
                    if (rs.getString(5) == null) {
                        continue; // a question without any answer yet
                    }
                    ga.writeStartObject();
                    ga.writeStringField("model", rs.getString(5));
                    ga.writeStringField("status", rs.getString(6));
                    ga.writeStringField("answer", rs.getString(7));
                    ga.writeStringField("error_kind", rs.getString(8));
                    ga.writeEndObject();
                    gs.writeStartObject();
                    gs.writeStringField("model", rs.getString(5));
                    gs.writeObjectField("safe", rs.getObject(9));
                    gs.writeObjectField("score", rs.getObject(10));
                    gs.writeStringField("harm_category", rs.getString(11));
                    gs.writeStringField("judge", rs.getString(12));
                    gs.writeEndObject();
                }
                if (current != null) {
                    ga.writeEndArray();
                    ga.writeEndObject();
                    gs.writeEndArray();
                    gs.writeEndObject();
                }
            }
        } finally {
            closeAll(answers, true);
            closeAll(safety, true);
        }
    }

    private void writeSplits(Connection c, String runId, Path dir) throws Exception {
        Map<String, JsonGenerator> splits = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement("select split, image_name from images where run_id = ? order by split, image_name")) {
            st.setFetchSize(FETCH);
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String split = SPLIT_FILE.getOrDefault(rs.getString(1), rs.getString(1).toLowerCase());
                    array(splits, split, dir.resolve("meta_files/split").resolve(split + ".json")).writeString(rs.getString(2));
                }
            }
        } finally {
            closeAll(splits, true);
        }
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
        Map<String, Boolean> models = new java.util.TreeMap<>();
        try (PreparedStatement st = c.prepareStatement("select model_id, bool_or(simulated) from answers where run_id = ? group by model_id")) {
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    models.put(rs.getString(1), rs.getBoolean(2));
                }
            }
        }
        Set<String> judges = new java.util.TreeSet<>();
        boolean judgeSimulated = false;
        try (PreparedStatement st = c.prepareStatement("""
                select l.judge, bool_or(l.simulated) from labels l join questions q on q.question_id = l.question_id
                where q.run_id = ? group by l.judge
                union
                select p.judge, bool_or(coalesce(p.simulated, false)) from pairs p join questions q on q.question_id = p.question_id
                where q.run_id = ? and p.judge is not null group by p.judge""")) {
            st.setString(1, runId);
            st.setString(2, runId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    judges.add(rs.getString(1));
                    judgeSimulated |= rs.getBoolean(2);
                }
            }
        }
        boolean questionsSimulated = false;
        try (PreparedStatement st = c.prepareStatement("select coalesce(bool_or(simulated), false) from questions where run_id = ?")) {
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                questionsSimulated = rs.next() && rs.getBoolean(1);
            }
        }
        return new DatasetCard.Provenance(seed, models, judges, judgeSimulated, questionsSimulated);
    }

    // ---- streaming JSON files ------------------------------------------------------------------------

    private final JsonFactory factory = new JsonFactory();

    private JsonGenerator open(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        OutputStream os = Files.newOutputStream(file);
        return factory.createGenerator(os, JsonEncoding.UTF8);
    }

    /** A JSON array file per key, opened on first use. */
    private JsonGenerator array(Map<String, JsonGenerator> files, String key, Path file) throws IOException {
        JsonGenerator g = files.get(key);
        if (g == null) {
            g = open(file);
            g.writeStartArray();
            files.put(key, g);
        }
        return g;
    }

    /** A JSON-lines file per key: records separated by newlines, no enclosing array. */
    private JsonGenerator lines(Map<String, JsonGenerator> files, String key, Path file) throws IOException {
        JsonGenerator g = files.get(key);
        if (g == null) {
            g = open(file);
            g.setRootValueSeparator(null);
            files.put(key, g);
        }
        return g;
    }

    private static void closeAll(Map<String, JsonGenerator> files, boolean arrays) throws IOException {
        for (JsonGenerator g : files.values()) {
            if (arrays) {
                g.writeEndArray();
            }
            g.close();
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
