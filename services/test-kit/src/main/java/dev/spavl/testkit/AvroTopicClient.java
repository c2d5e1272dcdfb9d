package dev.spavl.testkit;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes and reads Avro events the way the services do (Apicurio serdes, Confluent wire format,
 * subject {@code <topic>-value}), so tests exercise the real registry round trip.
 */
public final class AvroTopicClient {

    private final String bootstrap;
    private final String registryUrl;

    public AvroTopicClient(String bootstrap, String registryUrl) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
    }

    public static AvroTopicClient forCurrentTestResource() {
        SpavlKafkaResource r = SpavlKafkaResource.current();
        return new AvroTopicClient(r.bootstrapServers(), r.registryUrl());
    }

    public <T extends SpecificRecord> void send(String topic, String key, T value) {
        send(topic, key, value, Map.of());
    }

    /** With record headers, e.g. a {@code traceparent} to follow through a service. */
    public <T extends SpecificRecord> void send(String topic, String key, T value, Map<String, String> headers) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.put("apicurio.registry.url", registryUrl);
        cfg.put("apicurio.registry.auto-register", "true");
        cfg.put("apicurio.registry.dereference-schema", "true");
        // by class name: Kafka configures only the serdes it instantiates itself
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(cfg)) {
            ProducerRecord<String, T> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Every readable record of the topic from the beginning up to its end at the time of the call (unreadable ones skipped). */
    public <T extends SpecificRecord> List<ConsumerRecord<String, T>> readAll(String topic, Duration timeout) {
        return readAll(topic, timeout, AvroKafkaDeserializer.class.getName());
    }

    /** Every record as raw bytes: for dead-letter topics, whose values may not be Avro at all. */
    public List<ConsumerRecord<String, byte[]>> readAllRaw(String topic, Duration timeout) {
        return readAll(topic, timeout, ByteArrayDeserializer.class.getName());
    }

    /**
     * The bytes a producer to {@code subjectTopic} writes for {@code value} (the schema registered under that topic's
     * subject): sent elsewhere with {@link #sendRaw}, a valid Avro record of another event type, for fault tests.
     */
    public <T extends SpecificRecord> byte[] serialize(String subjectTopic, T value) {
        try (AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(Map.of("apicurio.registry.url", registryUrl, "apicurio.registry.auto-register", "true",
                    "apicurio.registry.dereference-schema", "true"), false);
            return serializer.serialize(subjectTopic, value);
        }
    }

    /** Writes bytes as they are: a record no Avro reader can decode, for fault tests. */
    public void sendRaw(String topic, String key, byte[] value) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(cfg)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic + ": " + e.getMessage(), e);
        }
    }

    private <V> List<ConsumerRecord<String, V>> readAll(String topic, Duration timeout, String valueDeserializer) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // a fetch sent while only empty partitions have their start offsets waits this long for data (default
        // 500 ms): with it, reading a topic that has records takes over half a second, too slow for tests that poll
        cfg.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        cfg.put("apicurio.registry.url", registryUrl);
        cfg.put("apicurio.registry.use-specific-avro-reader", "true");
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer);
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(cfg)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("did not reach the end of " + topic + " within " + timeout);
                }
                try {
                    consumer.poll(Duration.ofMillis(100)).forEach(out::add);
                } catch (org.apache.kafka.common.errors.RecordDeserializationException poison) {
                    // a record written on purpose to be unreadable (fault tests): not part of what the topic holds
                    consumer.seek(poison.topicPartition(), poison.offset() + 1);
                }
            }
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
