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
    record Entry(String key, long value, String raw) {
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
            try {
                out.add(new Entry(key, Long.parseLong(number), entry));
            } catch (NumberFormatException e) {
                throw bad(what, entry, "'" + number + "' is not a whole number");
            }
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
