package dev.spavl.packager.console;

import dev.spavl.contracts.topics.TopicNames;
import dev.spavl.contracts.serde.ExplainingAvroDeserializer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the dead-letter topics ({@code <prefix>.*.dlq}) with one plain Kafka consumer: {@code assign} and {@code seek},
 * no group id, nothing committed, so reading never moves anybody's offsets. The consumer is not thread-safe, so every
 * use holds this object's lock; calls block (worker threads only).
 */
@ApplicationScoped
public class DeadLetterTopics {

    /** Header names the dead-letter producers write (SmallRye's and the responder lanes'); never replayed. */
    static final String DLQ_HEADER_PREFIX = "dead-letter-";
    /** SmallRye's headers about a value it could not deserialize; describe the failure, not the event. */
    static final String DESERIALIZATION_HEADER_PREFIX = "deserialization-failure-";
    private static final int MAX_DECODED_CHARS = 4000;

    /** A dead-letter topic and how many records it holds (end minus start offsets, over its partitions). */
    public record TopicSummary(String topic, String replayTarget, List<PartitionRange> partitions, long records) {
    }

    /** A partition's readable offsets: start (earliest kept) to end (next to be written). */
    public record PartitionRange(int partition, long start, long end) {
    }

    /** Records from a topic in (partition, offset) order, and where the next page starts (null at the end). */
    public record Page(String topic, List<DeadLetterRecord> records, Cursor next) {
    }

    public record Cursor(int partition, long offset) {
    }

    private final String bootstrap;
    private final String prefix;
    private final String registryUrl;
    private final ConsoleConfig config;
    private KafkaConsumer<byte[], byte[]> consumer;
    private ExplainingAvroDeserializer<Object> avro;

    public DeadLetterTopics(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                            @ConfigProperty(name = "spavl.topic-prefix") String prefix,
                            @ConfigProperty(name = "spavl.registry.url") String registryUrl, ConsoleConfig config) {
        this.bootstrap = bootstrap;
        this.prefix = prefix;
        this.registryUrl = registryUrl;
        this.config = config;
    }

    /** Every dead-letter topic of this prefix, with its record counts. */
    public synchronized List<TopicSummary> topics() {
        List<TopicSummary> out = new ArrayList<>();
        Map<String, List<PartitionInfo>> all = consumer().listTopics(config.readTimeout());
        for (String topic : new TreeMap<>(all).keySet()) {
            if (isDeadLetterTopic(topic)) {
                List<PartitionRange> ranges = ranges(topic, all.get(topic));
                out.add(new TopicSummary(topic, replayTarget(topic), ranges,
                        ranges.stream().mapToLong(r -> r.end() - r.start()).sum()));
            }
        }
        return out;
    }

    /** Topic names of this prefix (for the lanes: {@code <prefix>.requests.<model>}). */
    public synchronized Set<String> topicNames() {
        return consumer().listTopics(config.readTimeout()).keySet();
    }

    /**
     * Up to {@code limit} records from {@code topic}, in (partition, offset) order, starting at {@code from} in
     * {@code partition} (both null: the start of the first partition; {@code from} null: the partition's start).
     */
    public synchronized Page read(String topic, Integer partition, Long from, int limit) {
        List<PartitionRange> ranges = ranges(requireDeadLetterTopic(topic));
        if (partition != null && ranges.stream().noneMatch(r -> r.partition() == partition)) {
            throw ConsoleInputException.notFound("partition not found", topic + " has partitions 0.." + (ranges.size() - 1)
                    + ", not " + partition);
        }
        List<DeadLetterRecord> out = new ArrayList<>();
        Cursor next = null;
        for (PartitionRange r : ranges) {
            if (partition != null && r.partition() < partition) {
                continue;
            }
            long position = partition != null && r.partition() == partition && from != null ? Math.max(from, r.start()) : r.start();
            if (partition != null && r.partition() == partition && from != null && from > r.end()) {
                throw ConsoleInputException.notFound("offset out of range", topic + "/" + r.partition() + " holds offsets "
                        + r.start() + ".." + (r.end() - 1) + " (end " + r.end() + "), not " + from);
            }
            TopicPartition tp = new TopicPartition(topic, r.partition());
            for (ConsumerRecord<byte[], byte[]> rec : readRange(tp, position, r.end(), limit - out.size() + 1)) {
                if (out.size() == limit) {
                    next = new Cursor(rec.partition(), rec.offset());
                    break;
                }
                out.add(view(rec));
            }
            if (next != null) {
                break;
            }
        }
        return new Page(topic, out, next);
    }

    /** The record at exactly these coordinates, as bytes (for a replay). */
    public synchronized ConsumerRecord<byte[], byte[]> fetch(String topic, int partition, long offset) {
        List<PartitionRange> ranges = ranges(requireDeadLetterTopic(topic));
        PartitionRange r = ranges.stream().filter(p -> p.partition() == partition).findFirst()
                .orElseThrow(() -> ConsoleInputException.notFound("partition not found", topic + " has partitions 0.."
                        + (ranges.size() - 1) + ", not " + partition));
        if (offset < r.start() || offset >= r.end()) {
            throw ConsoleInputException.notFound("offset out of range", topic + "/" + partition + (r.start() == r.end()
                    ? " is empty (offsets start and end at " + r.end() + ")"
                    : " holds offsets " + r.start() + ".." + (r.end() - 1)) + ", not " + offset);
        }
        List<ConsumerRecord<byte[], byte[]>> got = readRange(new TopicPartition(topic, partition), offset, r.end(), 1);
        if (got.isEmpty() || got.get(0).offset() != offset) {
            throw ConsoleInputException.notFound("record not found", "no record at " + topic + "/" + partition + " offset " + offset
                    + " (a transaction marker or a removed record)");
        }
        return got.get(0);
    }

    /** The topic a dead-letter record goes back to: the topic the consumer reads, i.e. the name without ".dlq". */
    public static String replayTarget(String dlqTopic) {
        return TopicNames.mainOf(dlqTopic);
    }

    boolean isDeadLetterTopic(String topic) {
        return TopicNames.isDeadLetterOf(prefix, topic);
    }

    /** 400 for a name that is not a dead-letter topic of ours, 404 for one that does not exist. */
    private String requireDeadLetterTopic(String topic) {
        if (topic == null || !isDeadLetterTopic(topic)) {
            throw ConsoleInputException.badRequest("not a dead-letter topic", "'" + topic + "' is not a dead-letter topic: "
                    + "their names are " + prefix + ".<topic>" + TopicNames.DEAD_LETTER_SUFFIX + "; only records in those can be listed and replayed");
        }
        return topic;
    }

    private List<PartitionRange> ranges(String topic) {
        List<PartitionInfo> infos = consumer().partitionsFor(topic, config.readTimeout());
        if (infos == null || infos.isEmpty()) {
            throw ConsoleInputException.notFound("topic not found", "the broker has no topic " + topic);
        }
        return ranges(topic, infos);
    }

    private List<PartitionRange> ranges(String topic, List<PartitionInfo> infos) {
        List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
        // assigned while asked for, else the consumer warns about every answer for a partition it does not hold
        consumer().assign(tps);
        Map<TopicPartition, Long> starts = consumer().beginningOffsets(tps, config.readTimeout());
        Map<TopicPartition, Long> ends = consumer().endOffsets(tps, config.readTimeout());
        return tps.stream().map(tp -> new PartitionRange(tp.partition(), starts.get(tp), ends.get(tp))).toList();
    }

    /** Records of one partition from {@code from} (inclusive) up to {@code end} (exclusive), at most {@code max}. */
    private List<ConsumerRecord<byte[], byte[]>> readRange(TopicPartition tp, long from, long end, int max) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (from >= end || max <= 0) {
            return out;
        }
        KafkaConsumer<byte[], byte[]> c = consumer();
        c.assign(List.of(tp));
        c.seek(tp, from);
        long deadline = System.nanoTime() + config.readTimeout().toNanos();
        while (out.size() < max && c.position(tp, config.readTimeout()) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200)).records(tp)) {
                if (rec.offset() >= end || out.size() >= max) {
                    break;
                }
                out.add(rec);
            }
        }
        c.unsubscribe();
        return out;
    }

    DeadLetterRecord view(ConsumerRecord<byte[], byte[]> rec) {
        List<DeadLetterRecord.Header> headers = new ArrayList<>();
        Map<String, String> dlq = new HashMap<>();
        for (var h : rec.headers()) {
            String text = text(h.value());
            boolean fromDlq = h.key().startsWith(DLQ_HEADER_PREFIX) || h.key().startsWith(DESERIALIZATION_HEADER_PREFIX);
            headers.add(new DeadLetterRecord.Header(h.key(), text, text == null && h.value() != null
                    ? Base64.getEncoder().encodeToString(preview(h.value())) : null, fromDlq));
            if (text != null) {
                dlq.putIfAbsent(h.key(), text);
            }
        }
        byte[] key = rec.key();
        byte[] value = rec.value();
        String keyText = text(key);
        String decoded = null;
        String undecodable = null;
        if (value != null && config.decodeAvro()) {
            try {
                Object v = avro().deserialize(replayTarget(rec.topic()), valueHeaders(rec.headers()), value);
                decoded = v == null ? null : truncate(v.toString());
            } catch (RuntimeException e) {
                undecodable = e.getMessage() == null ? e.getClass().getSimpleName() : truncate(e.getMessage());
            }
        }
        return new DeadLetterRecord(rec.topic(), rec.partition(), rec.offset(),
                rec.timestamp() < 0 ? null : Instant.ofEpochMilli(rec.timestamp()),
                keyText, key == null ? -1 : key.length, key == null || keyText != null ? null : Base64.getEncoder().encodeToString(preview(key)),
                value == null ? -1 : value.length, value == null ? null : HexFormat.ofDelimiter(" ").formatHex(preview(value)),
                value == null ? null : Base64.getEncoder().encodeToString(preview(value)), value != null && value.length > config.previewBytes(),
                decoded, undecodable,
                firstOf(dlq, "dead-letter-reason", "deserialization-failure-reason"),
                firstOf(dlq, "dead-letter-cause", "deserialization-failure-cause", "dead-letter-exception-class-name"),
                dlq.get("dead-letter-topic"), dlq.get("dead-letter-partition"), dlq.get("dead-letter-offset"),
                dlq.get(DeadLetterReplayer.REPLAY_OF_HEADER), headers, replayTarget(rec.topic()), null);
    }

    /** The headers a deserializer may read the schema id from (without the dead-letter ones). */
    private static Headers valueHeaders(Headers headers) {
        org.apache.kafka.common.header.internals.RecordHeaders out = new org.apache.kafka.common.header.internals.RecordHeaders();
        for (var h : headers) {
            if (!h.key().startsWith(DLQ_HEADER_PREFIX) && !h.key().startsWith(DESERIALIZATION_HEADER_PREFIX)) {
                out.add(h);
            }
        }
        return out;
    }

    private static String firstOf(Map<String, String> headers, String... names) {
        for (String n : names) {
            if (headers.containsKey(n)) {
                return headers.get(n);
            }
        }
        return null;
    }

    private byte[] preview(byte[] bytes) {
        return bytes.length <= config.previewBytes() ? bytes : java.util.Arrays.copyOf(bytes, config.previewBytes());
    }

    /** The bytes as text when they are valid UTF-8 without control characters (other than tab and newlines), else null. */
    static String text(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (Character.isISOControl(ch) && ch != '\n' && ch != '\r' && ch != '\t') {
                    return null;
                }
            }
            return s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String truncate(String s) {
        return s.length() <= MAX_DECODED_CHARS ? s : s.substring(0, MAX_DECODED_CHARS) + "... (" + s.length() + " characters)";
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Map<String, Object> cfg = new HashMap<>();
            cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            cfg.put(ConsumerConfig.CLIENT_ID_CONFIG, "spavl-packager-console");
            cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
            cfg.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
            cfg.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.readTimeout().toMillis());
            cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(cfg);
        }
        return consumer;
    }

    private ExplainingAvroDeserializer<Object> avro() {
        if (avro == null) {
            // the services' deserializer: a value it cannot read is explained the way the dead-letter reasons are
            ExplainingAvroDeserializer<Object> d = new ExplainingAvroDeserializer<>();
            // generic records: their toString is JSON, whatever the schema
            d.configure(Map.of("apicurio.registry.url", registryUrl, "apicurio.registry.use-specific-avro-reader", "false"), false);
            avro = d;
        }
        return avro;
    }

    @PreDestroy
    synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
        if (avro != null) {
            avro.close();
        }
    }
}
