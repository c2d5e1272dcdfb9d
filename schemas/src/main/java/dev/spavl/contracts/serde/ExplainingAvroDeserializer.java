package dev.spavl.contracts.serde;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.avro.generic.GenericContainer;

import dev.spavl.contracts.topics.TopicCatalog;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apicurio's Avro deserializer, whose failures say what was wrong with the record ({@link UnreadableValue}). Every
 * consumer of our topics uses it, so a dead-letter record's reason reads e.g. "value in spavl.pairs names schema id
 * 987654, which the schema registry does not know (HTTP 404)" instead of the registry client's bare class name.
 *
 * <p>A valid Avro record of another event type than its topic carries is unreadable too: a consumer gets the
 * deserialization failure it already dead-letters, with the bytes as they came, instead of a value that fails a cast
 * somewhere in its handling. The type a topic carries comes from the topic list ({@link TopicCatalog#valueTypeOf}), so
 * every consumer checks it without configuration; {@value #TOPIC_PREFIX} makes the lookup exact, {@value #EXPECTED_TYPE}
 * overrides it ({@code any}: no check).
 */
public class ExplainingAvroDeserializer<T> extends AvroKafkaDeserializer<T> {

    /** Configuration key: the class (or its name) every value must be, e.g. {@code dev.spavl.events.ResponseRequested}. */
    public static final String EXPECTED_TYPE = "spavl.expected-value-type";

    /** Configuration key: the topic prefix (e.g. {@code spavl}), so a topic's event type is looked up exactly. */
    public static final String TOPIC_PREFIX = "spavl.topic-prefix";

    private static final TopicCatalog TOPICS = TopicCatalog.bundled();

    /** The full name every value must have, per topic ("" for none); fixed when {@value #EXPECTED_TYPE} is set. */
    private final Map<String, String> expected = new ConcurrentHashMap<>();
    private String configured;
    private String prefix;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        super.configure(configs, isKey);
        Object type = configs.get(EXPECTED_TYPE);
        configured = type == null ? null : type instanceof Class<?> c ? c.getName() : "any".equals(type.toString()) ? "" : type.toString();
        Object p = configs.get(TOPIC_PREFIX);
        prefix = p == null || p.toString().isBlank() ? null : p.toString();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        try {
            return checked(topic, super.deserialize(topic, data));
        } catch (Explained e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Explained(UnreadableValue.explain(topic, data, e), e);
        }
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        try {
            return checked(topic, super.deserialize(topic, headers, data));
        } catch (Explained e) {
            throw e; // the headers variant may call the one above: explained once
        } catch (RuntimeException e) {
            throw new Explained(UnreadableValue.explain(topic, data, e), e);
        }
    }

    private T checked(String topic, T value) {
        if (value == null) {
            return null;
        }
        String want = configured != null ? configured
                : expected.computeIfAbsent(String.valueOf(topic), t -> TOPICS.valueTypeOf(t, prefix).orElse(""));
        // the schema's full name is the generated class's name, so generic and specific readers compare alike
        String what = value instanceof GenericContainer c ? c.getSchema().getFullName() : value.getClass().getName();
        if (!want.isEmpty() && !want.equals(what)) {
            throw new Explained("value in " + topic + " is a " + what + " record, not the " + want + " this topic carries", null);
        }
        return value;
    }

    /** A failure already put in words. */
    static final class Explained extends SerializationException {
        Explained(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
