package dev.spavl.packager.export;

import dev.spavl.contracts.types.QuestionTypeKeys;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code training/config_train.json}, the data config of SPA-VL's training code (EchoseChen/SPA-VL-RLHF): a JSON object
 * from keyword to a JSON file of records; its scripts pick files with {@code --keywords}. Its keyword for the hard
 * statements is {@code hardd}, while SPA-VL's files call them {@code hards}: the config maps one to the other. Paths are
 * relative to {@code training/}, where the scripts run with {@code --image_folder images}.
 */
final class TrainingConfig {

    /** The code's keyword of a prompt type: ours, but {@code hardd} for {@code hards}. */
    private static String keyword(String type) {
        return type.equals("hards") ? "hardd" : type;
    }

    private TrainingConfig() {
    }

    static void write(Path trainingDir, Map<String, Long> recordsByType) throws IOException {
        try (JsonGenerator g = JsonFiles.open(trainingDir.resolve("config_train.json"))) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            for (String type : QuestionTypeKeys.KEYS) {
                if (recordsByType.getOrDefault(type, 0L) > 0) {
                    g.writeStringField(keyword(type), type + ".json");
                }
            }
            g.writeEndObject();
        }
    }
}
