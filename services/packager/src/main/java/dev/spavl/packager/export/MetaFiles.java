package dev.spavl.packager.export;

import dev.spavl.contracts.splits.SplitKeys;
import dev.spavl.contracts.types.QuestionTypeKeys;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.spavl.blobstore.BlobStore;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SPA-VL's {@code meta_files/}: the intermediate artefacts of the run. {@code image_info/meta.json} (per image),
 * {@code model_answer/} and {@code safety/} (per question, every model's answer and label). {@code prefer/} and
 * {@code split/} are written with the quadruples ({@link DatasetRows}).
 */
final class MetaFiles {

    private static final int FETCH = 500;

    private final Connection db;
    private final BlobStore blobs;
    private final String runId;
    private final Path dir;

    MetaFiles(Connection db, BlobStore blobs, String runId, Path dir) {
        this.db = db;
        this.blobs = blobs;
        this.runId = runId;
        this.dir = dir;
    }

    /**
     * One record per image: SPA-VL's fields ({@code url} only for images fetched from a URL, {@code caption_laion}: the
     * caption that came with the image, {@code gemini_caption}: the detailed description the question writer was given
     * or wrote; {@code text_similarity} and {@code text_count}, SPA-VL's retrieval filters, are null: spavl does not
     * retrieve images), then ours ({@code image_id}, {@code sha256}, {@code mime}, {@code split}, {@code source}).
     *
     * @param md5 the md5 of images already read; the others are read here
     */
    void writeImageInfo(Map<String, String> md5) throws SQLException, IOException {
        String sql = "select image_id, image_name, sha256, mime, width, height, caption, class1, class2, class3, split, blob_uri, "
                + "description, source_ref from images where run_id = ? order by image_name, image_id";
        try (PreparedStatement st = db.prepareStatement(sql);
             JsonGenerator g = JsonFiles.open(dir.resolve("meta_files/image_info/meta.json"))) {
            st.setFetchSize(FETCH);
            st.setString(1, runId);
            g.writeStartArray();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String imageId = rs.getString(1);
                    String sourceRef = rs.getString(14);
                    g.writeStartObject();
                    g.writeStringField("image", rs.getString(2));
                    g.writeNumberField("width", rs.getInt(5));
                    g.writeNumberField("height", rs.getInt(6));
                    g.writeStringField("url", sourceRef != null && sourceRef.matches("(?i)https?://.*") ? sourceRef : null);
                    g.writeStringField("md5", md5.computeIfAbsent(imageId, id -> md5Of(rs, id)));
                    g.writeStringField("caption_laion", rs.getString(7));
                    g.writeNullField("text_similarity");
                    g.writeNullField("text_count");
                    g.writeStringField("gemini_caption", rs.getString(13));
                    g.writeStringField("class1", rs.getString(8));
                    g.writeStringField("class2", rs.getString(9));
                    g.writeStringField("class3", rs.getString(10));
                    g.writeStringField("image_id", imageId);
                    g.writeStringField("sha256", rs.getString(3));
                    g.writeStringField("mime", rs.getString(4));
                    g.writeStringField("split", SplitKeys.key(rs.getString(11)));
                    g.writeStringField("source", sourceRef);
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
        }
    }

    private String md5Of(ResultSet rs, String imageId) {
        try {
            return DatasetRows.md5(blobs.get(URI.create(rs.getString(12))));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read image " + imageId + " for its md5: " + e.getMessage(), e);
        }
    }

    /**
     * model_answer/{type}.json and safety/{type}.json: one record per question. model_answer has SPA-VL's shape (image,
     * question, one field per model with its answer, null when it failed) and ours ({@code answers}: each answer's
     * status and error kind); safety has the question's label and each answer's.
     */
    void writeModelAnswers() throws SQLException, IOException {
        String sql = """
                select q.question_id, q.question_type, q.text, i.image_name, a.model_id, a.status, a.text, a.error_kind,
                       l.safe, l.score, l.harm_category, l.judge, ql.safe, ql.score, ql.harm_category
                from questions q
                left join images i on i.image_id = q.image_id
                left join answers a on a.question_id = q.question_id
                left join labels l on l.question_id = a.question_id and l.model_id = a.model_id
                left join labels ql on ql.question_id = q.question_id and ql.model_id = ''
                where q.run_id = ? order by q.question_id, a.model_id""";
        try (PreparedStatement st = db.prepareStatement(sql);
             JsonFiles answers = JsonFiles.arrays(dir.resolve("meta_files/model_answer"));
             JsonFiles safety = JsonFiles.arrays(dir.resolve("meta_files/safety"))) {
            st.setFetchSize(FETCH);
            st.setString(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                Question current = null;
                while (rs.next()) {
                    if (current == null || !current.id.equals(rs.getString(1))) {
                        if (current != null) {
                            current.write(answers, safety);
                        }
                        current = new Question(rs.getString(1), QuestionTypeKeys.key(rs.getString(2)), rs.getString(3), rs.getString(4), rs.getObject(13), rs.getObject(14),
                                rs.getString(15), new ArrayList<>());
                    }
                    if (rs.getString(5) != null) { // null: a question without any answer
                        current.answers.add(new Answer(rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                                rs.getObject(9), rs.getObject(10), rs.getString(11), rs.getString(12)));
                    }
                }
                if (current != null) {
                    current.write(answers, safety);
                }
            }
        }
    }

    private record Answer(String model, String status, String text, String errorKind, Object safe, Object score, String harmCategory,
                          String judge) {
    }

    /** One question's rows (at most one per model), written when the next question starts. */
    private record Question(String id, String type, String text, String image, Object safe, Object score, String harmCategory,
                            List<Answer> answers) {

        void write(JsonFiles answerFiles, JsonFiles safetyFiles) throws IOException {
            JsonGenerator ga = answerFiles.get(type);
            ga.writeStartObject();
            ga.writeStringField("image", image);
            ga.writeStringField("question", text);
            for (Answer a : answers) {
                ga.writeStringField(a.model(), "OK".equals(a.status()) ? a.text() : null);
            }
            ga.writeStringField("question_id", id);
            ga.writeArrayFieldStart("answers");
            for (Answer a : answers) {
                ga.writeStartObject();
                ga.writeStringField("model", a.model());
                ga.writeStringField("status", a.status());
                ga.writeStringField("answer", a.text());
                ga.writeStringField("error_kind", a.errorKind());
                ga.writeEndObject();
            }
            ga.writeEndArray();
            ga.writeEndObject();

            JsonGenerator gs = safetyFiles.get(type);
            gs.writeStartObject();
            gs.writeStringField("image", image);
            gs.writeStringField("question", text);
            gs.writeStringField("question_id", id);
            gs.writeObjectField("question_safe", safe);
            gs.writeObjectField("question_score", score);
            gs.writeStringField("question_harm_category", harmCategory);
            gs.writeArrayFieldStart("answers");
            for (Answer a : answers) {
                gs.writeStartObject();
                gs.writeStringField("model", a.model());
                gs.writeObjectField("safe", a.safe());
                gs.writeObjectField("score", a.score());
                gs.writeStringField("harm_category", a.harmCategory());
                gs.writeStringField("judge", a.judge());
                gs.writeEndObject();
            }
            gs.writeEndArray();
            gs.writeEndObject();
        }
    }
}
