package dev.spavl.contracts.topics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The declarative topic list ({@code schemas/topics.yaml}) resolved into concrete topics for one
 * prefix and one set of responder models. Every environment provisions from this class, so the
 * list has exactly one source of truth.
 */
public final class TopicCatalog {

    /** Classpath location of the bundled topic list. */
    public static final String RESOURCE = "/dev/spavl/contracts/topics.yaml";
    public static final String MODEL_PLACEHOLDER = "{model}";
    private static final Pattern MODEL_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private final Document document;

    private TopicCatalog(Document document) {
        this.document = validate(document);
    }

    /** The topic list shipped in this jar. */
    public static TopicCatalog bundled() {
        try (InputStream in = TopicCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("topic list " + RESOURCE + " is missing from the classpath");
            }
            return new TopicCatalog(mapper().readValue(in, Document.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topic list " + RESOURCE, e);
        }
    }

    public static TopicCatalog read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new TopicCatalog(mapper().readValue(in, Document.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topic list " + file + ": " + e.getMessage(), e);
        }
    }

    /** The responder models whose request topics exist when nothing else is configured. */
    public List<String> defaultModels() {
        return List.copyOf(document.models);
    }

    /** The declared entries, unexpanded (names relative to the prefix, {model} not substituted). */
    public List<Entry> entries() {
        return List.copyOf(document.topics);
    }

    /**
     * Every concrete topic (main, retry and dead-letter) for a prefix and a model list.
     * @param prefix topic prefix without the trailing dot, e.g. "spavl"
     * @param models responder model ids; {model} entries expand once per id
     */
    public List<TopicSpec> resolve(String prefix, List<String> models) {
        Objects.requireNonNull(prefix, "prefix");
        for (String m : models) {
            if (!MODEL_ID.matcher(m).matches()) {
                throw new IllegalArgumentException("model id '" + m + "' is not a valid topic name part "
                        + "(lower-case letters, digits, '.', '_' or '-', at most 63 characters)");
            }
        }
        List<TopicSpec> out = new ArrayList<>();
        Defaults d = document.defaults;
        for (Entry e : document.topics) {
            List<String> names = e.name.contains(MODEL_PLACEHOLDER)
                    ? models.stream().map(m -> e.name.replace(MODEL_PLACEHOLDER, m)).toList()
                    : List.of(e.name);
            int partitions = e.partitions != null ? e.partitions : d.partitions;
            long retention = e.retentionMs != null ? e.retentionMs : d.retentionMs;
            String cleanup = e.cleanupPolicy != null ? e.cleanupPolicy : "delete";
            boolean deadLetter = e.deadLetter != null ? e.deadLetter : d.deadLetter;
            for (String relative : names) {
                String name = TopicNames.of(prefix, relative);
                out.add(new TopicSpec(name, TopicSpec.Role.MAIN, e.value, partitions, d.replicationFactor, retention, cleanup));
                if (deadLetter) {
                    out.add(new TopicSpec(TopicNames.retryOf(name), TopicSpec.Role.RETRY, e.value, partitions, d.replicationFactor, retention, "delete"));
                    out.add(new TopicSpec(TopicNames.deadLetterOf(name), TopicSpec.Role.DEAD_LETTER, e.value, 1, d.replicationFactor, d.dlqRetentionMs, "delete"));
                }
            }
        }
        return out;
    }

    /** The package of the generated event classes; a topic's {@code value} names a class in it. */
    public static final String EVENTS_PACKAGE = "dev.spavl.events";

    /**
     * The event type a consumer of {@code topic} must find in it: the full class name of the entry's {@code value}
     * (e.g. {@code dev.spavl.events.ResponseOutcome} for {@code spavl.responses} and {@code spavl.responses.retry}).
     * Empty for a dead-letter topic (it holds, by design, also records of the wrong type) and for a topic the list does
     * not declare.
     *
     * @param prefix the topic prefix, or null when unknown: then the shortest prefix that leaves a declared name is
     *               taken ({@code spavl.requests.responses} is the request topic of a model named "responses")
     */
    public Optional<String> valueTypeOf(String topic, String prefix) {
        if (topic == null || TopicNames.isDeadLetter(topic)) {
            return Optional.empty();
        }
        String main = TopicNames.mainOf(topic);
        if (prefix != null) {
            return main.startsWith(prefix + ".") ? declared(main.substring(prefix.length() + 1)) : Optional.empty();
        }
        for (int dot = main.indexOf('.'); dot > 0; dot = main.indexOf('.', dot + 1)) {
            Optional<String> type = declared(main.substring(dot + 1));
            if (type.isPresent()) {
                return type;
            }
        }
        return Optional.empty();
    }

    private Optional<String> declared(String relative) {
        return document.topics.stream().filter(e -> pattern(e).matcher(relative).matches()).findFirst()
                .map(e -> EVENTS_PACKAGE + "." + e.value);
    }

    private static Pattern pattern(Entry e) {
        int at = e.name.indexOf(MODEL_PLACEHOLDER);
        return at < 0 ? Pattern.compile(Pattern.quote(e.name))
                : Pattern.compile(Pattern.quote(e.name.substring(0, at)) + MODEL_ID.pattern()
                        + Pattern.quote(e.name.substring(at + MODEL_PLACEHOLDER.length())));
    }

    private static Document validate(Document doc) {
        if (doc.defaults == null || doc.topics == null || doc.topics.isEmpty() || doc.models == null) {
            throw new IllegalArgumentException("topic list needs 'defaults', 'models' and a non-empty 'topics'");
        }
        for (Entry e : doc.topics) {
            if (e.name == null || e.name.isBlank() || e.value == null || e.value.isBlank()) {
                throw new IllegalArgumentException("topic entry " + e.name + ": 'name' and 'value' are required");
            }
            if (e.cleanupPolicy != null && !List.of("delete", "compact", "compact,delete").contains(e.cleanupPolicy)) {
                throw new IllegalArgumentException("topic " + e.name + ": unknown cleanup-policy '" + e.cleanupPolicy + "'");
            }
        }
        return doc;
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    }

    /** One declared entry of the topic list. */
    public static final class Entry {
        public String name;
        public String key;
        public String value;
        public Integer partitions;
        @JsonProperty("retention-ms")
        public Long retentionMs;
        @JsonProperty("cleanup-policy")
        public String cleanupPolicy;
        @JsonProperty("dead-letter")
        public Boolean deadLetter;
    }

    static final class Defaults {
        public int partitions = 6;
        @JsonProperty("replication-factor")
        public short replicationFactor = 1;
        @JsonProperty("retention-ms")
        public long retentionMs = 604_800_000L;
        @JsonProperty("dead-letter")
        public boolean deadLetter = true;
        @JsonProperty("dlq-retention-ms")
        public long dlqRetentionMs = 2_592_000_000L;
    }

    static final class Document {
        public Defaults defaults;
        public List<String> models;
        public List<Entry> topics;
    }
}
