package dev.spavl.contracts.splits;

import dev.spavl.events.DatasetSplit;

import java.util.List;
import java.util.Locale;

/**
 * The one user-facing vocabulary of dataset splits: {@code train}, {@code validation}, {@code test-harm} (the paper's
 * EvalHarm), {@code test-help} (EvalHelp). Manifests (column {@code split}), the packager's split weights and the
 * exported files all use it. The first contract's {@code TEST} is no longer assigned and has no key.
 */
public final class SplitKeys {

    /** The keys of the assigned splits, in the paper's order. */
    public static final List<String> KEYS = List.of("train", "validation", "test-harm", "test-help");

    private SplitKeys() {
    }

    /** The split a key names: case-insensitive, surrounding blanks ignored, {@code _} for {@code -}; null for none. */
    public static DatasetSplit parse(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (k) {
            case "train" -> DatasetSplit.TRAIN;
            case "validation" -> DatasetSplit.VALIDATION;
            case "test-harm" -> DatasetSplit.TEST_HARM;
            case "test-help" -> DatasetSplit.TEST_HELP;
            default -> null;
        };
    }

    /** The key of a split; the legacy {@code TEST} is {@code test}. */
    public static String key(DatasetSplit split) {
        return switch (split) {
            case TRAIN -> "train";
            case VALIDATION -> "validation";
            case TEST -> "test";
            case TEST_HARM -> "test-harm";
            case TEST_HELP -> "test-help";
        };
    }

    /** The key of a split stored by its symbol name (a database column). */
    public static String key(String symbol) {
        return key(DatasetSplit.valueOf(symbol));
    }
}
