package dev.spavl.packager.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streaming JSON files of an export, one per key, opened on first use: JSON arrays (SPA-VL's {@code .json} files) or
 * JSON Lines. Nothing is held in memory but the generators' buffers, however many records a file gets.
 */
final class JsonFiles implements AutoCloseable {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final Path dir;
    private final boolean arrays;
    private final Map<String, JsonGenerator> open = new LinkedHashMap<>();

    private JsonFiles(Path dir, boolean arrays) {
        this.dir = dir;
        this.arrays = arrays;
    }

    /** Files {@code <dir>/<key>.json}, each a JSON array of records. */
    static JsonFiles arrays(Path dir) {
        return new JsonFiles(dir, true);
    }

    /** Files {@code <dir>/<key>.jsonl}, a record per line. */
    static JsonFiles lines(Path dir) {
        return new JsonFiles(dir, false);
    }

    /** One JSON array file, whatever the key: for single files written with {@link #get}. */
    static JsonGenerator open(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return FACTORY.createGenerator(Files.newOutputStream(file), JsonEncoding.UTF8);
    }

    /** The generator of {@code key}'s file; write one value (a record) to it, then call {@link #endRecord}. */
    JsonGenerator get(String key) throws IOException {
        JsonGenerator g = open.get(key);
        if (g == null) {
            g = open(dir.resolve(key + (arrays ? ".json" : ".jsonl")));
            if (arrays) {
                g.writeStartArray();
            } else {
                g.setRootValueSeparator(null);
            }
            open.put(key, g);
        }
        return g;
    }

    /** After a record of {@code key}: a JSON Lines file gets its newline. */
    void endRecord(String key) throws IOException {
        if (!arrays) {
            open.get(key).writeRaw('\n');
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (JsonGenerator g : open.values()) {
            // closing ends the open array (AUTO_CLOSE_JSON_CONTENT) and the stream, also after a failure mid-record
            try {
                g.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
