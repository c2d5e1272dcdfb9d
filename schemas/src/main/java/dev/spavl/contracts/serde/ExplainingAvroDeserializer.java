package dev.spavl.contracts.serde;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.avro.generic.GenericContainer;

import java.util.Map;

/**
 * Apicurio's Avro deserializer, whose failures say what was wrong with the record ({@link UnreadableValue}). Every
 * consumer of our topics uses it, so a dead-letter record's reason reads e.g. "value in spavl.pairs names schema id
 * 987654, which the schema registry does not know (HTTP 404)" instead of the registry client's bare class name.
 *
 * <p>With {@value #EXPECTED_TYPE} set (the class of the topic's event), a valid Avro record of another event type is
 * unreadable too: a consumer gets the deserialization failure it already dead-letters, with the bytes as they came,
 * instead of a value that fails a cast somewhere in its handling.
 */
public class ExplainingAvroDeserializer<T> extends AvroKafkaDeserializer<T> {

    /** Configuration key: the class (or its name) every value must be, e.g. {@code dev.spavl.events.ResponseRequested}. */
    public static final String EXPECTED_TYPE = "spavl.expected-value-type";

    private Class<?> expected;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        super.configure(configs, isKey);
        Object type = configs.get(EXPECTED_TYPE);
        try {
            expected = type == null ? null : type instanceof Class<?> c ? c : Class.forName(type.toString());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(EXPECTED_TYPE + " names no class: " + type, e);
        }
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
        if (expected != null && value != null && !expected.isInstance(value)) {
            String what = value instanceof GenericContainer c ? c.getSchema().getFullName() : value.getClass().getName();
            throw new Explained("value in " + topic + " is a " + what + " record, not the " + expected.getName()
                    + " this topic carries", null);
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
