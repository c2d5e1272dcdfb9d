package dev.spavl.generator.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The physical lines of a manifest, each held in memory only up to {@code maxLineBytes}: a longer line is skipped to
 * its end (counted, not kept) and comes back as a problem, so a 10 MiB line never becomes a 10 MiB string. A UTF-8
 * byte order mark (EF BB BF) at the start of the file is dropped (Excel writes one; kept, it would glue itself to
 * the first header). Lines end at LF, a CR before it is dropped; a line that is not UTF-8 is a problem too. Lines
 * read ahead can be pushed back (the CSV reader re-reads the lines a broken record had taken).
 */
final class ManifestLines implements AutoCloseable {

    /** One physical line: its text, or why it has none. {@code lineNo} is 1-based. */
    record Line(int lineNo, String text, long bytes, String problem) {
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final long maxFileBytes;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;
    private long total;
    private int lineNo;
    private boolean eof;
    private final Deque<Line> pushedBack = new ArrayDeque<>();

    ManifestLines(InputStream in, int maxLineBytes, long maxFileBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.maxFileBytes = maxFileBytes;
    }

    /** Lines read ahead, to be returned again (in the order given) before any new one. */
    void pushBack(java.util.List<Line> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            pushedBack.push(lines.get(i));
        }
    }

    /**
     * The next line, or null at the end.
     *
     * @throws SourceException when the file cannot be read or grows beyond {@code maxFileBytes}
     */
    Line next() {
        if (!pushedBack.isEmpty()) {
            return pushedBack.pop();
        }
        if (eof) {
            return null;
        }
        byte[] kept = new byte[Math.min(maxLineBytes + 1, 256)];
        int keptLength = 0;
        long length = 0;
        boolean sawAny = false;
        while (true) {
            int b = read();
            if (b < 0) {
                eof = true;
                if (!sawAny) {
                    return null;
                }
                break;
            }
            sawAny = true;
            if (b == '\n') {
                break;
            }
            length++;
            if (length <= maxLineBytes + 1L) { // one byte more than allowed: a CR that the LF drops may follow
                if (keptLength == kept.length) {
                    kept = java.util.Arrays.copyOf(kept, Math.min(kept.length * 2, maxLineBytes + 1));
                }
                kept[keptLength++] = (byte) b;
            }
        }
        lineNo++;
        if (keptLength > 0 && length == keptLength && kept[keptLength - 1] == '\r') {
            keptLength--;
            length--;
        }
        int start = 0;
        if (lineNo == 1 && keptLength >= 3 && kept[0] == (byte) 0xEF && kept[1] == (byte) 0xBB && kept[2] == (byte) 0xBF) {
            start = 3;
            length -= 3;
        }
        if (length > maxLineBytes) {
            return new Line(lineNo, null, length, "line " + lineNo + " is " + length + " bytes long; at most "
                    + maxLineBytes + " (" + ManifestLimits.PREFIX + "max-line-bytes)");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(kept, start, keptLength - start)).toString();
            return new Line(lineNo, text, length, null);
        } catch (CharacterCodingException e) {
            return new Line(lineNo, null, length, "line " + lineNo + " is not valid UTF-8");
        }
    }

    private int read() {
        if (pos == limit) {
            try {
                limit = in.read(buffer);
            } catch (IOException e) {
                throw new SourceException("cannot read the manifest: " + e.getMessage(), e);
            }
            pos = 0;
            if (limit <= 0) {
                limit = 0;
                return -1;
            }
            total += limit;
            if (total > maxFileBytes) {
                throw new SourceException("the manifest is more than " + maxFileBytes + " bytes; at most " + maxFileBytes
                        + " (" + ManifestLimits.PREFIX + "max-file-bytes): split it into several runs");
            }
        }
        return buffer[pos++] & 0xff;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only
        }
    }
}
