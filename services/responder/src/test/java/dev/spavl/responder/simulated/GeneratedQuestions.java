package dev.spavl.responder.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Questions as the generator's offline writer makes them: its templates (easy question, hard question, hard
 * statement) filled with every taxonomy leaf and each of its six image-search keywords. The generator is not
 * on this module's classpath, so its two inputs are read from their sources in the repository (Maven runs the
 * tests in the module's folder), never copied: they cannot go stale.
 */
final class GeneratedQuestions {

    /** The generator's question types, as named in its template file. */
    static final Map<String, String> TYPES = Map.of("easy", "easy question", "hardq", "hard question",
            "hards", "hard statement");

    /** One written question with where it came from. */
    record Question(String type, String class2, String text) {
    }

    private static final Path TEMPLATES = Path.of("../generator/src/main/resources/dev/spavl/generator/prompts/offline-v1.json");
    private static final Path KEYWORDS = Path.of("../taxonomy/src/main/resources/dev/spavl/taxonomy/spa-vl-keywords.tsv");

    private GeneratedQuestions() {
    }

    /** Every distinct question, in a stable order. */
    static List<Question> all() {
        JsonNode templates = json(TEMPLATES);
        Set<String> seen = new LinkedHashSet<>();
        List<Question> out = new ArrayList<>();
        for (String[] leaf : leaves()) {
            for (String type : List.of("easy", "hardq", "hards")) {
                for (JsonNode template : templates.path(type)) {
                    for (int k = 3; k < leaf.length; k++) {
                        String text = template.asText().replace("{class1}", leaf[0]).replace("{class2}", leaf[1])
                                .replace("{class3}", leaf[2]).replace("{keyword}", leaf[k])
                                .replace("{caption}", leaf[k]);
                        if (seen.add(text)) {
                            out.add(new Question(type, leaf[1], text));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** class1, class2, class3, keyword1..6 per leaf. */
    private static List<String[]> leaves() {
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(KEYWORDS),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank() && !line.startsWith("#") && !line.startsWith("class1\t")) {
                    out.add(line.split("\t"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static JsonNode json(Path name) {
        try (InputStream in = open(name)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file.toAbsolutePath().normalize() + " missing: the tests run in services/responder");
        }
        return Files.newInputStream(file);
    }
}
