package dev.spavl.generator.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spavl.contracts.types.QuestionTypeKeys;
import dev.spavl.events.QuestionType;
import io.smallrye.mutiny.Uni;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The offline writer: varied, category-specific prompts from phrase templates (a versioned resource),
 * the taxonomy's class path and its six search keywords per subcategory. Deterministic: the same run
 * seed and image give the same texts, so a re-run produces the same question ids. Everything it
 * writes is marked simulated.
 */
public final class TemplatePromptWriter implements PromptWriter {

    static final String RESOURCE = "/dev/spavl/generator/prompts/offline-v1.json";

    private final String version;
    private final List<String> descriptions;
    private final Map<QuestionType, List<String>> templates = new EnumMap<>(QuestionType.class);

    public TemplatePromptWriter() {
        try (InputStream in = TemplatePromptWriter.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            version = root.path("version").asText();
            descriptions = strings(root, "description");
            for (QuestionType type : QuestionType.values()) {
                templates.put(type, strings(root, QuestionTypeKeys.key(type)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public String version() {
        return version;
    }

    @Override
    public boolean needsImage() {
        return false;
    }

    @Override
    public Uni<WrittenPrompts> write(PromptInput in, Set<QuestionType> types) {
        return Uni.createFrom().item(() -> writeNow(in, types));
    }

    WrittenPrompts writeNow(PromptInput in, Set<QuestionType> types) {
        Random pick = new Random(seed(in.seed(), in.imageId()));
        String keyword = in.keywords().isEmpty() ? in.class3() : in.keywords().get(pick.nextInt(in.keywords().size()));
        // drawn even when the input has a description: the texts below must not depend on whether it had one
        String written = fill(choose(descriptions, pick), in, keyword);
        String description = in.description() == null || in.description().isBlank() ? written : in.description();
        Map<QuestionType, String> texts = new EnumMap<>(QuestionType.class);
        for (QuestionType type : QuestionType.values()) {
            // draw for every type, requested or not, so a type's text does not depend on the others requested
            String text = fill(choose(templates.get(type), pick), in, keyword);
            if (types.contains(type)) {
                texts.put(type, text);
            }
        }
        return new WrittenPrompts(description, texts, "template/" + version, version, true);
    }

    private static String fill(String template, PromptInput in, String keyword) {
        String caption = in.caption() == null || in.caption().isBlank() ? keyword : in.caption().strip();
        return template
                .replace("{class1}", in.class1())
                .replace("{class2}", in.class2())
                .replace("{class3}", in.class3())
                .replace("{keyword}", keyword)
                .replace("{caption}", caption);
    }

    private static String choose(List<String> options, Random pick) {
        return options.get(pick.nextInt(options.size()));
    }

    private static List<String> strings(JsonNode root, String field) {
        List<String> out = new ArrayList<>();
        root.path(field).forEach(n -> out.add(n.asText()));
        if (out.isEmpty()) {
            throw new IllegalStateException(RESOURCE + " has no '" + field + "' templates");
        }
        return List.copyOf(out);
    }

    private static long seed(long runSeed, String imageId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(8).putLong(runSeed).array());
            sha.update(imageId.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(sha.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
