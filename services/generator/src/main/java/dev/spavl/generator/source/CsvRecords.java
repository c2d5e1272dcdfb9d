package dev.spavl.generator.source;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV into records, each of which Jackson CSV then parses on its own. Why by hand: a CSV parser (Jackson CSV,
 * Commons CSV) reads an unclosed quote as a field that runs on to the next quote or the end of the file, so one
 * broken row swallows, or garbles, every row after it; and it holds such a field in memory whatever its size.
 * Here a quoted field may still span lines (captions with line breaks), but a record that spans lines is kept only
 * when it is well formed and has the header's number of fields, and it may span at most {@code maxLineBytes}.
 * Otherwise its first line is reported ("unclosed quote") and reading resumes at its second line: the other rows
 * proceed.
 *
 * <p>The grammar is RFC 4180 as Jackson reads it with TRIM_SPACES: a field is quoted when its first non-space
 * character is {@code "}; inside, {@code ""} is a quote; after the closing quote only spaces may come before the
 * comma or the line end. A quote inside an unquoted field is an ordinary character.
 */
final class CsvRecords {

    /** A record (text and field count) starting on {@code lineNo}, or why that line could not be one. */
    record Record(int lineNo, String text, int fields, String problem) {
    }

    private final ManifestLines lines;
    private final int maxRecordBytes;

    CsvRecords(ManifestLines lines, int maxRecordBytes) {
        this.lines = lines;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The next record, a problem, or null at the end; blank lines are skipped. */
    Record next(int expectedFields) {
        ManifestLines.Line first;
        do {
            first = lines.next();
            if (first == null) {
                return null;
            }
        } while (first.text() != null && first.text().isBlank());
        if (first.text() == null) {
            return new Record(first.lineNo(), null, 0, first.problem());
        }
        Scan scan = new Scan();
        scan.feed(first.text());
        List<ManifestLines.Line> more = new ArrayList<>();
        StringBuilder text = new StringBuilder(first.text());
        long bytes = first.bytes();
        while (scan.inQuotes() && scan.error == null) {
            ManifestLines.Line next = lines.next();
            if (next == null || next.text() == null || bytes + 1 + next.bytes() > maxRecordBytes) {
                if (next != null) {
                    more.add(next);
                }
                break;
            }
            more.add(next);
            bytes += 1 + next.bytes();
            text.append('\n').append(next.text());
            scan.feed("\n");
            scan.feed(next.text());
        }
        boolean complete = !scan.inQuotes() && scan.error == null;
        if (complete && (more.isEmpty() || expectedFields < 0 || scan.fields == expectedFields)) {
            return new Record(first.lineNo(), text.toString(), scan.fields, null);
        }
        if (more.isEmpty()) {
            // a single line: its own error (an unclosed quote at the end of the file included)
            return new Record(first.lineNo(), null, 0, scan.error != null ? scan.error : scan.unclosed());
        }
        // the record took lines it should not have: an unclosed quote on its first line; the others are read again
        lines.pushBack(more);
        Scan alone = new Scan();
        alone.feed(first.text());
        return new Record(first.lineNo(), null, 0, alone.error != null ? alone.error : alone.unclosed());
    }

    /** RFC 4180 quote state over a record's characters: how many fields, and the first error. */
    private static final class Scan {
        private enum State { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED, AFTER_CLOSE }

        private State state = State.FIELD_START;
        private int fields = 1;
        private int quotedField;
        private String error;

        boolean inQuotes() {
            return state == State.QUOTED;
        }

        String unclosed() {
            return "unclosed quote in field " + quotedField + " (a quoted field ends with \" before the comma or the line end)";
        }

        void feed(String s) {
            for (int i = 0; i < s.length() && error == null; i++) {
                char c = s.charAt(i);
                switch (state) {
                    case FIELD_START -> {
                        if (c == '"') {
                            state = State.QUOTED;
                            quotedField = fields;
                        } else if (c == ',') {
                            fields++;
                        } else if (c != ' ' && c != '\t') {
                            state = State.UNQUOTED;
                        }
                    }
                    case UNQUOTED -> {
                        if (c == ',') {
                            fields++;
                            state = State.FIELD_START;
                        }
                    }
                    case QUOTED -> {
                        if (c == '"') {
                            state = State.QUOTE_IN_QUOTED;
                        }
                    }
                    case QUOTE_IN_QUOTED -> {
                        if (c == '"') {
                            state = State.QUOTED; // "" is a quote
                        } else {
                            afterClose(c);
                        }
                    }
                    case AFTER_CLOSE -> afterClose(c);
                }
            }
        }

        private void afterClose(char c) {
            if (c == ',') {
                fields++;
                state = State.FIELD_START;
            } else if (c == ' ' || c == '\t') {
                state = State.AFTER_CLOSE;
            } else {
                error = "text after the closing quote of field " + fields + " (a quote inside a quoted field is written \"\")";
            }
        }
    }
}
