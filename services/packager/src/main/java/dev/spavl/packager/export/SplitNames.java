package dev.spavl.packager.export;

import java.util.Locale;
import java.util.Map;

/** How the export names a DatasetSplit symbol in its files: {@code TEST_HARM} is {@code test_harm}. */
final class SplitNames {

    private static final Map<String, String> FILE = Map.of("TRAIN", "train", "VALIDATION", "validation", "TEST_HARM", "test_harm",
            "TEST_HELP", "test_help");

    private SplitNames() {
    }

    static String file(String split) {
        return FILE.getOrDefault(split, split.toLowerCase(Locale.ROOT));
    }
}
