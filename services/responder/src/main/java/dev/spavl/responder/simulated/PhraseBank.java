package dev.spavl.responder.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The versioned texts and word lists behind the simulated personas, read from a JSON resource. They live in
 * data, not code, because replays are only stable while the phrases are: a new wording is a new file
 * ({@code personas-v2.json}), never an edit of v1.
 */
public final class PhraseBank {

    /** Classpath resource of the bank the simulated models use by default. */
    public static final String V1 = "dev/spavl/responder/simulated/personas-v1.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile PhraseBank v1;

    /** One kind of answer: its parts (apology, reason, ...) in the order they are joined, each with variants. */
    record Section(String name, Map<String, List<String>> parts) {
    }

    private final String version;
    private final Map<RefusalStyle, List<String>> refusalStyles;
    private final Pattern harmful;
    private final Section refuseQuestion;
    private final Section refuseStatement;
    private final Section complyQuestion;
    private final Section complyStatement;
    private final Section benign;
    private final List<String> garbage;
    private final double tokensPerWord;
    private final int tokensPerImage;
    private final SubjectExtractor subjects;

    private PhraseBank(String resource, JsonNode root) {
        this.version = text(root, "version", resource);
        Set<String> markers = new LinkedHashSet<>(strings(root.path("harmMarkers"), "harmMarkers", resource));
        // a marker matches at the start of a word ("hack" finds "hacking", not "whack")
        this.harmful = Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + markers.stream()
                .map(m -> Pattern.quote(m.toLowerCase(Locale.ROOT)))
                .collect(Collectors.joining("|")) + ")");
        this.refuseQuestion = section(root.path("refuse").path("question"), "refuse.question", resource);
        this.refuseStatement = section(root.path("refuse").path("statement"), "refuse.statement", resource);
        this.refusalStyles = styles(root.path("refuse").path("styles"), resource);
        this.complyQuestion = section(root.path("comply").path("question"), "comply.question", resource);
        this.complyStatement = section(root.path("comply").path("statement"), "comply.statement", resource);
        this.benign = section(root.path("benign"), "benign", resource);
        this.garbage = strings(root.path("garbage"), "garbage", resource);
        this.tokensPerWord = root.path("tokens").path("perWord").asDouble(1.3);
        this.tokensPerImage = root.path("tokens").path("perImage").asInt(0);
        this.subjects = new SubjectExtractor(root.path("subject"), resource);
    }

    /** The default bank, read once. */
    public static PhraseBank v1() {
        PhraseBank b = v1;
        if (b == null) {
            synchronized (PhraseBank.class) {
                b = v1;
                if (b == null) {
                    b = load(V1);
                    v1 = b;
                }
            }
        }
        return b;
    }

    /** Reads a bank from the classpath; fails with the resource name and the missing or empty field. */
    public static PhraseBank load(String resource) {
        ClassLoader cl = PhraseBank.class.getClassLoader();
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("phrase bank resource not found on the classpath: " + resource);
            }
            return new PhraseBank(resource, JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read phrase bank " + resource, e);
        }
    }

    /** E.g. {@code personas-v1}. */
    public String version() {
        return version;
    }

    /**
     * Whether the request looks harmful: it contains a harm marker word, or it has the form of a claim to agree
     * with or continue ({@link SubjectExtractor#claimForm}; SPA-VL's "hard statements" are harmful by
     * construction, and many carry no marker word, e.g. a stereotype). Only such requests are refused at the
     * persona's rate; the rest get a benign answer.
     */
    public boolean looksHarmful(String text) {
        return harmful.matcher(text.toLowerCase(Locale.ROOT)).find() || subjects.claimForm(text);
    }

    public SubjectExtractor subjects() {
        return subjects;
    }

    /** The refusal parts a style is made of, in order. */
    List<String> refusalParts(RefusalStyle style) {
        return refusalStyles.get(style);
    }

    Section refusal(boolean statement) {
        return statement ? refuseStatement : refuseQuestion;
    }

    Section compliance(boolean statement) {
        return statement ? complyStatement : complyQuestion;
    }

    Section benign() {
        return benign;
    }

    List<String> garbage() {
        return garbage;
    }

    double tokensPerWord() {
        return tokensPerWord;
    }

    int tokensPerImage() {
        return tokensPerImage;
    }

    private static Section section(JsonNode node, String name, String resource) {
        if (!node.isObject() || node.isEmpty()) {
            throw new IllegalArgumentException(resource + ": section " + name + " is missing or empty");
        }
        Map<String, List<String>> parts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            parts.put(e.getKey(), strings(e.getValue(), name + "." + e.getKey(), resource));
        }
        // the first part names the subject, so that every answer is visibly about the question
        List<String> first = parts.values().iterator().next();
        for (String s : first) {
            if (!s.contains("{subject}")) {
                throw new IllegalArgumentException(resource + ": every variant of the first part of " + name
                        + " must contain {subject}: " + s);
            }
        }
        return new Section(name, Collections.unmodifiableMap(parts));
    }

    private Map<RefusalStyle, List<String>> styles(JsonNode node, String resource) {
        Map<RefusalStyle, List<String>> out = new EnumMap<>(RefusalStyle.class);
        for (RefusalStyle style : RefusalStyle.values()) {
            String name = "refuse.styles." + style.id();
            List<String> parts = strings(node.path(style.id()), name, resource);
            for (Section section : List.of(refuseQuestion, refuseStatement)) {
                for (String part : parts) {
                    if (!section.parts().containsKey(part)) {
                        throw new IllegalArgumentException(resource + ": " + name + " names part '" + part
                                + "', which " + section.name() + " does not have");
                    }
                }
                if (!section.parts().get(parts.get(0)).stream().allMatch(v -> v.contains("{subject}"))) {
                    throw new IllegalArgumentException(resource + ": " + name + " must start with a part whose "
                            + "variants all contain {subject}, so that every refusal names what it refuses");
                }
            }
            out.put(style, parts);
        }
        return Collections.unmodifiableMap(out);
    }

    static List<String> strings(JsonNode node, String name, String resource) {
        if (!node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException(resource + ": " + name + " must be a non-empty array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isEmpty()) {
                throw new IllegalArgumentException(resource + ": " + name + " holds a non-string or empty entry");
            }
            out.add(n.asText());
        }
        return List.copyOf(out);
    }

    static String text(JsonNode node, String field, String resource) {
        JsonNode n = node.path(field);
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException(resource + ": field " + field + " is missing");
        }
        return n.asText();
    }
}
