package dev.spavl.packager.export;

import dev.spavl.contracts.splits.SplitKeys;
import dev.spavl.contracts.types.QuestionTypeKeys;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.spavl.blobstore.BlobStore;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The export's rows, streamed from PostgreSQL with a cursor: every quadruple into SPA-VL's Parquet tables, TRL's DPO
 * tables (conversational with the image; text-only JSON Lines), the training JSON (SPA-VL's training code: an integer
 * {@code id}, {@code image} relative to {@code training/images/}, one file per prompt type), {@code meta_files/split}
 * (the training split per prompt type) and {@code meta_files/prefer}; the held-out test images' questions into
 * {@code test/harm} and {@code test/help}. Every row takes its split from its image's row, the one place both the
 * quadruples and the test questions are read by, so a held-out image can never also be in a train or validation row.
 * Rows come grouped by image, so each image is read from the blob store once per split however many questions it has.
 */
final class DatasetRows {

    /** Test rows: harmful prompts of the held-out harm images, the benign easy question of the help images. */
    private static final Set<String> HARMFUL = Set.of("HARD_QUESTION", "HARD_STATEMENT");

    private static final int FETCH = 500;

    private final Connection db;
    private final BlobStore blobs;
    private final String runId;
    private final Path dir;
    private final HuggingFaceParquet parquet;

    /** Training records per prompt type file. */
    final Map<String, Long> trainingByType = new TreeMap<>();
    /** md5 of every image read, by image id: {@code meta_files/image_info} reports it. */
    final Map<String, String> md5 = new java.util.HashMap<>();
    long quadruples;

    private String cachedImage;
    private byte[] cachedBytes;

    DatasetRows(Connection db, BlobStore blobs, String runId, Path dir, HuggingFaceParquet parquet) {
        this.db = db;
        this.blobs = blobs;
        this.runId = runId;
        this.dir = dir;
        this.parquet = parquet;
    }

    void writeQuadruples() throws SQLException, IOException {
        String sql = """
                select d.quadruple_id, i.split, d.question_id, q.question_type, q.text, i.image_name, i.blob_uri, d.image_id,
                       ca.text, ra.text, d.chosen_model, d.rejected_model, p.reason1, p.reason2, p.judge, q.class1, q.class2, q.class3
                from quadruples d
                join questions q on q.question_id = d.question_id
                join images i on i.image_id = d.image_id
                join answers ca on ca.question_id = d.question_id and ca.model_id = d.chosen_model
                join answers ra on ra.question_id = d.question_id and ra.model_id = d.rejected_model
                join pairs p on p.pair_id = d.pair_id
                where d.run_id = ? order by i.split, d.image_id, q.question_type, d.quadruple_id""";
        long trainingId = 0;
        String lastTrainImage = null;
        try (PreparedStatement st = db.prepareStatement(sql);
             JsonFiles training = JsonFiles.arrays(dir.resolve("training"));
             JsonFiles splitFiles = JsonFiles.arrays(dir.resolve("meta_files/split"));
             JsonFiles text = JsonFiles.lines(dir.resolve("dpo/text"));
             JsonFiles prefer = JsonFiles.arrays(dir.resolve("meta_files/prefer"))) {
            st.setFetchSize(FETCH);
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String split = rs.getString(2);
                    String type = QuestionTypeKeys.key(rs.getString(4));
                    String imageName = rs.getString(6);
                    String imageId = rs.getString(8);
                    String question = rs.getString(5);
                    String chosen = rs.getString(9);
                    String rejected = rs.getString(10);
                    quadruples++;
                    if ("TRAIN".equals(split) || "VALIDATION".equals(split)) {
                        HuggingFaceParquet.Image image = new HuggingFaceParquet.Image(image(imageId, rs.getString(7)), imageName);
                        boolean train = "TRAIN".equals(split);
                        if (train) {
                            parquet.write(ExportTable.TRAIN, image, question, chosen, rejected, imageName);
                        } else {
                            parquet.write(ExportTable.VALIDATION, image, question, chosen, rejected, rs.getString(16),
                                    rs.getString(17), rs.getString(18));
                        }
                        parquet.write(train ? ExportTable.DPO_TRAIN : ExportTable.DPO_VALIDATION, List.of(image),
                                List.of(new HuggingFaceParquet.Message("user", question)),
                                List.of(new HuggingFaceParquet.Message("assistant", chosen)),
                                List.of(new HuggingFaceParquet.Message("assistant", rejected)),
                                imageName, type, rs.getString(11), rs.getString(12), rs.getString(1));
                        String splitKey = train ? "train" : "validation";
                        JsonGenerator t = text.get(splitKey);
                        t.writeStartObject();
                        t.writeStringField("prompt", question);
                        t.writeStringField("chosen", chosen);
                        t.writeStringField("rejected", rejected);
                        t.writeEndObject();
                        text.endRecord(splitKey);
                        if (train) {
                            if (!imageId.equals(lastTrainImage)) {
                                copyTrainingImage(imageName);
                                lastTrainImage = imageId;
                            }
                            JsonGenerator g = training.get(type);
                            g.writeStartObject();
                            g.writeNumberField("id", trainingId++);
                            quadrupleFields(g, imageName, question, chosen, rejected);
                            g.writeStringField("quadruple_id", rs.getString(1));
                            g.writeStringField("question_id", rs.getString(3));
                            g.writeEndObject();
                            trainingByType.merge(type, 1L, Long::sum);
                            JsonGenerator s = splitFiles.get(type);
                            s.writeStartObject();
                            quadrupleFields(s, imageName, question, chosen, rejected);
                            s.writeEndObject();
                        }
                    }
                    JsonGenerator p = prefer.get(type);
                    p.writeStartObject();
                    quadrupleFields(p, imageName, question, chosen, rejected);
                    p.writeStringField("question_id", rs.getString(3));
                    p.writeStringField("chosen_model", rs.getString(11));
                    p.writeStringField("rejected_model", rs.getString(12));
                    p.writeStringField("reason1", rs.getString(13));
                    p.writeStringField("reason2", rs.getString(14));
                    p.writeStringField("judge", rs.getString(15));
                    p.writeStringField("split", SplitKeys.key(split));
                    p.writeStringField("class1", rs.getString(16));
                    p.writeStringField("class2", rs.getString(17));
                    p.writeStringField("class3", rs.getString(18));
                    p.writeEndObject();
                }
            }
        }
    }

    /** SPA-VL's four fields of a quadruple record, in its order. */
    private static void quadrupleFields(JsonGenerator g, String image, String question, String chosen, String rejected)
            throws IOException {
        g.writeStringField("image", image);
        g.writeStringField("question", question);
        g.writeStringField("chosen", chosen);
        g.writeStringField("rejected", rejected);
    }

    /** The held-out images' questions: harmful prompts into {@code test/harm}, easy questions into {@code test/help}. */
    void writeTestSplits() throws SQLException, IOException {
        String sql = """
                select q.question_type, q.text, i.image_name, i.blob_uri, i.image_id, i.split, i.class1, i.class2, i.class3
                from questions q join images i on i.image_id = q.image_id
                where q.run_id = ? and i.split in ('TEST_HARM', 'TEST_HELP')
                order by i.split, i.image_id, q.question_type, q.question_id""";
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setFetchSize(FETCH);
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    boolean harm = "TEST_HARM".equals(rs.getString(6));
                    if (harm != HARMFUL.contains(rs.getString(1))) {
                        continue;
                    }
                    HuggingFaceParquet.Image image = new HuggingFaceParquet.Image(image(rs.getString(5), rs.getString(4)), rs.getString(3));
                    parquet.write(harm ? ExportTable.TEST_HARM : ExportTable.TEST_HELP, image, rs.getString(2), rs.getString(7),
                            rs.getString(8), rs.getString(9));
                }
            }
        }
    }

    /** An image's bytes, from the blob store once per run of rows of the same image; its md5 kept for image_info. */
    byte[] image(String imageId, String blobUri) throws IOException {
        if (!imageId.equals(cachedImage)) {
            cachedBytes = blobs.get(URI.create(blobUri));
            cachedImage = imageId;
            md5.computeIfAbsent(imageId, id -> md5(cachedBytes));
        }
        return cachedBytes;
    }

    /** Writes the current image under training/images at its name, which must be a plain relative path. */
    private void copyTrainingImage(String imageName) throws IOException {
        Path base = dir.resolve("training/images").toAbsolutePath().normalize();
        Path target = base.resolve(imageName).normalize();
        if (!target.startsWith(base) || !base.relativize(target).toString().equals(imageName)) {
            throw new IllegalStateException("image name '" + imageName + "' is not a plain relative path (class1/class2/class3/"
                    + "<file>): the training code joins it to its image folder");
        }
        Files.createDirectories(target.getParent());
        Files.write(target, cachedBytes);
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }
}
