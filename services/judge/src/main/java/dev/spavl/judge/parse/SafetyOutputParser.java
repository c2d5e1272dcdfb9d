package dev.spavl.judge.parse;

import java.util.Optional;

/** Turns the raw text of one safety classifier into a {@link SafetyReading}. Implementations are stateless. */
public interface SafetyOutputParser {

    /**
     * @param output raw classifier output, may be {@code null}
     * @return the reading, or empty when no safe/unsafe decision can be found
     */
    Optional<SafetyReading> parse(String output);

    /** Stable id used in configuration and in {@link HarmCategoryMapping}. */
    String id();
}
