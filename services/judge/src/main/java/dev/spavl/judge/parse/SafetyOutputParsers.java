package dev.spavl.judge.parse;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Lookup of the built-in {@link SafetyOutputParser}s by id. */
public final class SafetyOutputParsers {

    private static final Map<String, SafetyOutputParser> BY_ID = new TreeMap<>();

    static {
        register(new MdJudgeParser());
        register(new LlamaGuardParser());
    }

    private SafetyOutputParsers() {
    }

    private static void register(SafetyOutputParser parser) {
        BY_ID.put(parser.id(), parser);
    }

    /**
     * @param id parser id such as {@code md-judge}; surrounding blanks and case are ignored
     * @throws IllegalArgumentException for an unknown id, naming the known ones
     */
    public static SafetyOutputParser byId(String id) {
        SafetyOutputParser parser = id == null ? null : BY_ID.get(id.strip().toLowerCase(Locale.ROOT));
        if (parser == null) {
            throw new IllegalArgumentException(
                    "Unknown safety output parser '" + id + "'; known ids: " + String.join(", ", BY_ID.keySet()));
        }
        return parser;
    }

    /** Known ids, sorted. */
    public static Set<String> ids() {
        return Collections.unmodifiableSet(BY_ID.keySet());
    }
}
