package dev.spavl.responder.simulated;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which parts a persona's refusals are made of; the parts and their wording come from the phrase bank
 * ({@code refuse.styles}). Same names as the catalog's {@code persona.refusal-style}, so a lane maps one to
 * the other by name.
 */
public enum RefusalStyle {
    /** Apology, reason, safer alternative. */
    APOLOGETIC,
    /** The apology sentence only. */
    BRIEF,
    /** Apology, then a safer alternative. */
    REDIRECT,
    /** Apology, reason, a longer explanation of the harm, alternative. */
    LECTURE;

    /** The lower-case name used in configuration and in the phrase bank. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RefusalStyle parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (RefusalStyle s : values()) {
            if (s.id().equals(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown refusal style '" + value + "'; known: "
                + String.join(", ", Arrays.stream(values()).map(RefusalStyle::id).toList()));
    }
}
