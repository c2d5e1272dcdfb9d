package dev.spavl.generator.source;

import dev.spavl.events.DatasetSplit;

import java.util.List;
import java.util.Locale;

/**
 * The split names an input may pin an image to: the packager's configuration names ({@code train}, {@code validation},
 * {@code test-harm}, {@code test-help}), case-insensitive, {@code _} for {@code -}. The first contract's {@code TEST}
 * is no longer assigned, so it cannot be pinned either.
 */
public final class PinnedSplit {

    public static final List<String> NAMES = List.of("train", "validation", "test-harm", "test-help");

    private PinnedSplit() {
    }

    /** The split a name pins, or null when the name is none of {@link #NAMES}. */
    public static DatasetSplit parse(String name) {
        String key = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (key) {
            case "train" -> DatasetSplit.TRAIN;
            case "validation" -> DatasetSplit.VALIDATION;
            case "test-harm" -> DatasetSplit.TEST_HARM;
            case "test-help" -> DatasetSplit.TEST_HELP;
            default -> null;
        };
    }
}
