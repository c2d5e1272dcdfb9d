package dev.spavl.packager.export;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link ExportTable}s as Parquet the way {@code datasets} writes them, so that it reads them back with their
 * features: every field nullable (an image is {@code struct<bytes: binary, path: string>} nullable at both levels, the
 * storage type of {@code datasets.Image}; lists in the three-level form with nullable elements) and the
 * {@code huggingface} key of the file metadata holding the features. {@code datasets} only takes those features when
 * the Arrow type equals the feature's storage type: a non-null field makes it fall back to a plain struct.
 *
 * <p>Rows stream into shards of {@link #ROWS_PER_SHARD} rows, row groups of {@link #ROW_GROUP_BYTES}: the writer
 * buffers at most one row group, however large the table. A table without rows has no file: {@code datasets} cannot
 * read a Parquet file without a row group.
 */
final class HuggingFaceParquet implements AutoCloseable {

    static final int ROWS_PER_SHARD = 10_000;
    static final int ROW_GROUP_BYTES = 32 * 1024 * 1024;

    private static final Schema IMAGE = SchemaBuilder.record("Image").namespace("dev.spavl.export").fields()
            .optionalBytes("bytes").optionalString("path").endRecord();
    private static final Schema NULLABLE_IMAGE = Schema.createUnion(Schema.create(Schema.Type.NULL), IMAGE);
    private static final Schema MESSAGE = SchemaBuilder.record("Message").namespace("dev.spavl.export").fields()
            .optionalString("role").optionalString("content").endRecord();
    private static final Schema NULLABLE_MESSAGE = Schema.createUnion(Schema.create(Schema.Type.NULL), MESSAGE);

    private final Path dir;
    private final Map<ExportTable, Shard> open = new LinkedHashMap<>();
    private final Map<ExportTable, Long> rows = new LinkedHashMap<>();

    HuggingFaceParquet(Path dir) {
        this.dir = dir;
    }

    /** An image cell: the encoded bytes and the name {@code datasets} reports as its path. */
    record Image(byte[] bytes, String path) {
    }

    /** One chat message of a conversational cell. */
    record Message(String role, String content) {
    }

    /**
     * One row of a table, one value per column in the table's order: a String for a string column, an {@link Image}
     * for an image column, a list of them for an image list, a list of {@link Message}s for a messages column; null for
     * a missing value.
     */
    void write(ExportTable table, Object... values) throws IOException {
        if (values.length != table.columns().size()) {
            throw new IllegalArgumentException(table.config() + "/" + table.split() + " has " + table.columns().size()
                    + " columns, got " + values.length + " values");
        }
        Shard shard = open.get(table);
        if (shard == null || shard.rows >= ROWS_PER_SHARD) {
            int index = shard == null ? 0 : shard.index + 1;
            if (shard != null) {
                shard.writer.close();
            }
            shard = new Shard(table, index);
            open.put(table, shard);
        }
        GenericRecord row = new GenericData.Record(shard.schema);
        for (int i = 0; i < values.length; i++) {
            row.put(i, avro(table.columns().get(i), values[i]));
        }
        shard.writer.write(row);
        shard.rows++;
        rows.merge(table, 1L, Long::sum);
    }

    /** Rows written per table; a table without rows is absent. */
    Map<ExportTable, Long> rows() {
        return rows;
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

    private static Object avro(ExportTable.Column column, Object value) {
        if (value == null) {
            return null;
        }
        return switch (column.kind()) {
            case STRING -> value.toString();
            case IMAGE -> image((Image) value);
            case IMAGES -> ((List<?>) value).stream().map(v -> image((Image) v)).toList();
            case MESSAGES -> ((List<?>) value).stream().map(v -> message((Message) v)).toList();
        };
    }

    private static GenericRecord image(Image image) {
        if (image == null) {
            return null;
        }
        GenericRecord img = new GenericData.Record(IMAGE);
        img.put("bytes", image.bytes() == null ? null : ByteBuffer.wrap(image.bytes()));
        img.put("path", image.path());
        return img;
    }

    private static GenericRecord message(Message m) {
        GenericRecord r = new GenericData.Record(MESSAGE);
        r.put("role", m.role());
        r.put("content", m.content());
        return r;
    }

    private final class Shard {
        final int index;
        final Schema schema;
        final ParquetWriter<GenericRecord> writer;
        long rows;

        Shard(ExportTable table, int index) throws IOException {
            this.index = index;
            this.schema = schema(table);
            Path file = dir.resolve(table.shard(index));
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            this.writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                    .withSchema(schema)
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withRowGroupSize((long) ROW_GROUP_BYTES)
                    // three-level lists (element nullable, named "element"), as Arrow writes them
                    .config(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, "false")
                    .withExtraMetaData(Map.of("huggingface", features(table)))
                    .build();
        }
    }

    static Schema schema(ExportTable table) {
        var fields = SchemaBuilder.record("Row").namespace("dev.spavl.export").fields();
        for (ExportTable.Column c : table.columns()) {
            Schema type = switch (c.kind()) {
                case STRING -> Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
                case IMAGE -> NULLABLE_IMAGE;
                case IMAGES -> Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.createArray(NULLABLE_IMAGE));
                case MESSAGES -> Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.createArray(NULLABLE_MESSAGE));
            };
            fields = fields.name(c.name()).type(type).withDefault(null);
        }
        return fields.endRecord();
    }

    /** The {@code datasets} features of a table, as the {@code huggingface} file metadata holds them. */
    static String features(ExportTable table) {
        StringBuilder f = new StringBuilder("{\"info\":{\"features\":{");
        for (int i = 0; i < table.columns().size(); i++) {
            ExportTable.Column c = table.columns().get(i);
            f.append(i == 0 ? "" : ",").append('"').append(c.name()).append("\":");
            f.append(switch (c.kind()) {
                case STRING -> "{\"dtype\":\"string\",\"_type\":\"Value\"}";
                case IMAGE -> "{\"_type\":\"Image\"}";
                case IMAGES -> "{\"feature\":{\"_type\":\"Image\"},\"_type\":\"List\"}";
                case MESSAGES -> "{\"feature\":{\"role\":{\"dtype\":\"string\",\"_type\":\"Value\"},"
                        + "\"content\":{\"dtype\":\"string\",\"_type\":\"Value\"}},\"_type\":\"List\"}";
            });
        }
        return f.append("}}}").toString();
    }
}
