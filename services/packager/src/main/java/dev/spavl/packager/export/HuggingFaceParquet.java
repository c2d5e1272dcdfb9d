package dev.spavl.packager.export;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face layout of SPA-VL: {@code data/train-NNNNN.parquet} (image, question, chosen, rejected,
 * image_name), {@code validation/validation-NNNNN.parquet} (the same plus class1..3) and
 * {@code test/harm-NNNNN.parquet}, {@code test/help-NNNNN.parquet} (image, question, class1..3). The image is the
 * {@code {bytes, path}} struct with the {@code huggingface} features metadata, so {@code datasets} decodes it as
 * an Image. Rows stream into shards of {@link #ROWS_PER_SHARD} rows, row groups of {@link #ROW_GROUP_BYTES}:
 * the writer buffers at most one row group, however large the split.
 */
final class HuggingFaceParquet implements AutoCloseable {

    static final int ROWS_PER_SHARD = 10_000;
    static final int ROW_GROUP_BYTES = 32 * 1024 * 1024;

    private static final Schema IMAGE = SchemaBuilder.record("Image").namespace("dev.spavl.export").fields()
            .requiredBytes("bytes").optionalString("path").endRecord();

    /** One output: where its shards go and which columns it has. */
    private record Layout(String folder, String prefix, boolean answers, boolean classes) {
    }

    private static final Map<String, Layout> LAYOUTS = Map.of(
            "TRAIN", new Layout("data", "train", true, false),
            "VALIDATION", new Layout("validation", "validation", true, true),
            "TEST_HARM", new Layout("test", "harm", false, true),
            "TEST_HELP", new Layout("test", "help", false, true));

    private final Path dir;
    private final Map<String, Shard> open = new LinkedHashMap<>();
    private final List<Path> written = new ArrayList<>();

    HuggingFaceParquet(Path dir) {
        this.dir = dir;
    }

    /** One row of a split, as the layout of that split wants it. */
    void write(String split, byte[] image, String imageName, String question, String chosen, String rejected, String class1,
               String class2, String class3) throws IOException {
        Layout layout = LAYOUTS.get(split);
        if (layout == null) {
            return; // the legacy TEST split is never assigned
        }
        Shard shard = open.get(split);
        if (shard == null || shard.rows >= ROWS_PER_SHARD) {
            int index = shard == null ? 0 : shard.index + 1;
            if (shard != null) {
                shard.writer.close();
            }
            shard = new Shard(layout, index);
            open.put(split, shard);
        }
        GenericRecord img = new GenericData.Record(IMAGE);
        img.put("bytes", ByteBuffer.wrap(image));
        img.put("path", imageName);
        GenericRecord row = new GenericData.Record(shard.schema);
        row.put("image", img);
        row.put("question", question);
        if (layout.answers()) {
            row.put("chosen", chosen);
            row.put("rejected", rejected);
        }
        if (layout.classes()) {
            row.put("class1", class1);
            row.put("class2", class2);
            row.put("class3", class3);
        } else {
            row.put("image_name", imageName);
        }
        shard.writer.write(row);
        shard.rows++;
    }

    List<Path> files() {
        return written;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Shard s : open.values()) {
            try {
                s.writer.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    private final class Shard {
        final int index;
        final Schema schema;
        final ParquetWriter<GenericRecord> writer;
        long rows;

        Shard(Layout layout, int index) throws IOException {
            this.index = index;
            this.schema = schema(layout);
            Path file = dir.resolve(layout.folder()).resolve(String.format("%s-%05d.parquet", layout.prefix(), index));
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            this.writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                    .withSchema(schema)
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withRowGroupSize((long) ROW_GROUP_BYTES)
                    .withExtraMetaData(Map.of("huggingface", features(layout)))
                    .build();
            written.add(file);
        }
    }

    private static Schema schema(Layout layout) {
        var fields = SchemaBuilder.record("Row").namespace("dev.spavl.export").fields()
                .name("image").type(IMAGE).noDefault()
                .requiredString("question");
        if (layout.answers()) {
            fields = fields.requiredString("chosen").requiredString("rejected");
        }
        if (layout.classes()) {
            fields = fields.requiredString("class1").requiredString("class2").requiredString("class3");
        } else {
            fields = fields.requiredString("image_name");
        }
        return fields.endRecord();
    }

    /** The {@code datasets} features of a layout: an Image and string Values, in column order. */
    static String features(Layout layout) {
        StringBuilder f = new StringBuilder("{\"info\":{\"features\":{\"image\":{\"_type\":\"Image\"},");
        List<String> strings = new ArrayList<>(List.of("question"));
        if (layout.answers()) {
            strings.addAll(List.of("chosen", "rejected"));
        }
        strings.addAll(layout.classes() ? List.of("class1", "class2", "class3") : List.of("image_name"));
        for (int i = 0; i < strings.size(); i++) {
            f.append('"').append(strings.get(i)).append("\":{\"dtype\":\"string\",\"_type\":\"Value\"}");
            f.append(i < strings.size() - 1 ? "," : "");
        }
        return f.append("}}}").toString();
    }
}
