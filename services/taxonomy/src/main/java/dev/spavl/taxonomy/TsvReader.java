package dev.spavl.taxonomy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict reader for our small TSV files: UTF-8, a fixed header, exactly N tab-separated columns,
 * no empty fields. Blank lines and lines starting with {@code #} are skipped. Every error names the
 * file and the 1-based line number, because these files are edited by hand by deployments.
 */
final class TsvReader {

    /** A data row with the line it came from (for later, file-specific checks). */
    record Row(int line, List<String> fields) {
        String get(int i) {
            return fields.get(i);
        }
    }

    private TsvReader() {
    }

    static IllegalArgumentException error(String file, int line, String what) {
        return new IllegalArgumentException(file + " line " + line + ": " + what);
    }

    /**
     * Reads all data rows. {@code columnHint} is appended to a wrong-column-count error (e.g. to
     * say that a keywords row needs exactly six keywords).
     */
    static List<Row> read(String file, InputStream in, List<String> header, String columnHint) {
        List<String> lines = readLines(file, in);
        List<Row> rows = new ArrayList<>();
        boolean headerSeen = false;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // tolerate a UTF-8 BOM from spreadsheet exports
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            // -1 keeps trailing empty fields, so "a\tb\t" is 3 columns, not 2
            List<String> fields = List.of(line.split("\t", -1));
            if (!headerSeen) {
                if (!fields.equals(header)) {
                    throw error(file, lineNo, "expected the header '" + String.join("<TAB>", header)
                            + "' as the first non-comment line, found '" + line.replace("\t", "<TAB>") + "'");
                }
                headerSeen = true;
                continue;
            }
            if (fields.size() != header.size()) {
                throw error(file, lineNo, "expected " + header.size() + " tab-separated columns ("
                        + String.join(", ", header) + ") but found " + fields.size() + columnHint);
            }
            for (int c = 0; c < fields.size(); c++) {
                String f = fields.get(c);
                if (f.isBlank()) {
                    throw error(file, lineNo, "empty field '" + header.get(c) + "' (column " + (c + 1) + ")");
                }
                // rejected rather than trimmed: names must match the data byte-exactly, no surprises
                if (!f.strip().equals(f)) {
                    throw error(file, lineNo, "field '" + header.get(c) + "' (column " + (c + 1)
                            + ") has leading or trailing whitespace: '" + f + "'");
                }
            }
            rows.add(new Row(lineNo, fields));
        }
        if (!headerSeen) {
            throw new IllegalArgumentException(file + ": no header line (expected '"
                    + String.join("<TAB>", header) + "')");
        }
        return rows;
    }

    private static List<String> readLines(String file, InputStream in) {
        byte[] bytes;
        try (in) {
            bytes = in.readAllBytes(); // the files are a few KB
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        // Decode line by line with REPORT (not the usual silent U+FFFD replacement), so a
        // mis-encoded name fails loudly and the error can name the exact line.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int len = end - start;
            if (len > 0 && bytes[end - 1] == '\r') {
                len--; // CRLF files from Windows editors
            }
            try {
                lines.add(decoder.decode(ByteBuffer.wrap(bytes, start, len)).toString());
            } catch (CharacterCodingException e) {
                throw error(file, lines.size() + 1, "not valid UTF-8");
            }
            start = end + 1;
        }
        return lines;
    }
}
