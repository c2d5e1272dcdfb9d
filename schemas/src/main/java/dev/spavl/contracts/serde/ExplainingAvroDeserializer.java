package dev.spavl.contracts.serde;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;

/**
 * Apicurio's Avro deserializer, whose failures say what was wrong with the record ({@link UnreadableValue}). Every
 * consumer of our topics uses it, so a dead-letter record's reason reads e.g. "value in spavl.pairs names schema id
 * 987654, which the schema registry does not know (HTTP 404)" instead of the registry client's bare class name.
 */
public class ExplainingAvroDeserializer<T> extends AvroKafkaDeserializer<T> {

    @Override
    public T deserialize(String topic, byte[] data) {
        try {
            return super.deserialize(topic, data);
        } catch (Explained e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Explained(UnreadableValue.explain(topic, data, e), e);
        }
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        try {
            return super.deserialize(topic, headers, data);
        } catch (Explained e) {
            throw e; // the headers variant may call the one above: explained once
        } catch (RuntimeException e) {
            throw new Explained(UnreadableValue.explain(topic, data, e), e);
        }
    }

    /** A failure already put in words. */
    static final class Explained extends SerializationException {
        Explained(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
