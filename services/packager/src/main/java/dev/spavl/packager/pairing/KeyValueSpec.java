package dev.spavl.packager.pairing;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code key=number,key=number} settings of the packager (safety groups, split weights): entries in the
 * given order, each error quoting the entry and saying what was expected. Blank entries (a trailing comma)
 * are skipped; keys are checked for duplicates by the caller, after it has normalised them.
 */
final class KeyValueSpec {

    /** One {@code key=number} entry, with the raw text for error messages. */
    record Entry(String key, String number, String raw, String what) {

        /** The number as a whole number, or an error quoting the entry. */
        long value() {
            try {
                return Long.parseLong(number);
            } catch (NumberFormatException e) {
                throw bad(what, raw, "'" + number + "' is not a whole number");
            }
        }

        /** The number as a decimal ({@code 0.0755}), or an error quoting the entry. */
        double decimal() {
            try {
                double d = Double.parseDouble(number);
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw bad(what, raw, "'" + number + "' is not a number");
            }
        }
    }

    private KeyValueSpec() {
    }

    /**
     * @param what     what the spec configures, e.g. "safety group" (used in messages)
     * @param expected the entry form, e.g. "model=group"
     */
    static List<Entry> parse(String spec, String what, String expected, String example) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException(what + " spec is empty; expected e.g. " + example);
        }
        List<Entry> out = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0 || eq != entry.lastIndexOf('=')) {
                throw bad(what, entry, "expected " + expected);
            }
            String key = entry.substring(0, eq).strip();
            String number = entry.substring(eq + 1).strip();
            if (key.isEmpty()) {
                throw bad(what, entry, "the name before '=' is empty");
            }
            if (number.isEmpty()) {
                throw bad(what, entry, "the number after '=' is empty");
            }
            out.add(new Entry(key, number, entry, what));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " spec has no entries: '" + spec + "'");
        }
        return out;
    }

    static IllegalArgumentException bad(String what, String entry, String why) {
        return new IllegalArgumentException("bad " + what + " entry '" + entry + "': " + why);
    }
}
