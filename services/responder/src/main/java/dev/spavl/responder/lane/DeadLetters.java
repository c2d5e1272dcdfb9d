package dev.spavl.responder.lane;

import dev.spavl.contracts.topics.TopicNames;
import dev.spavl.events.ResponseRequested;
import dev.spavl.observability.KafkaTraceContext;
import dev.spavl.observability.RecordLogContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A lane's dead-letter topic ({@code <requests topic>.dlq}), both ways in: a readable request with the reason
 * (retries ran out, or handling it failed) and where it came from in {@code dead-letter-*} headers, and an
 * unreadable record's raw key and value bytes as they came. Invariant: a dead letter counts (metric, log line) only
 * once the broker acknowledged it; the returned future fails otherwise, and the caller keeps the record uncommitted.
 */
final class DeadLetters {

    private static final Logger LOG = Logger.getLogger(Lane.class); // the lane's log category, one for all its parts

    private final String model;
    private final String topic;
    private final Producer<String, Object> producer;
    private final Producer<byte[], byte[]> rawProducer;
    private final KafkaTraceContext traces;
    private final LaneMetrics metrics;

    DeadLetters(String model, String requestsTopic, Producer<String, Object> producer, Producer<byte[], byte[]> rawProducer,
                KafkaTraceContext traces, LaneMetrics metrics) {
        this.model = model;
        this.topic = TopicNames.deadLetterOf(requestsTopic);
        this.producer = producer;
        this.rawProducer = rawProducer;
        this.traces = traces;
        this.metrics = metrics;
    }

    /** Sends the request, as it came, with the reason; call it inside the request's span (its trace goes on). */
    CompletableFuture<Void> readable(ConsumerRecord<String, ResponseRequested> record, String reason, int attempts) {
        org.apache.kafka.common.header.Headers headers = traces.inject(readableHeaders(record, reason, attempts));
        ResponseRequested req = record.value();
        return Sends.send(producer, new ProducerRecord<>(topic, null, record.key(), (Object) req, headers)).thenRun(() -> {
            metrics.deadLettered();
            // the request's ids as log context again: this runs on the producer's thread
            try (RecordLogContext ids = req == null ? null : RecordLogContext.of(req.getRunId(), req.getQuestionId(), model)) {
                LOG.errorf("lane %s question %s dead-lettered to %s: %s", model, record.key(), topic, reason);
            }
        });
    }

    /** Sends a record no Avro reader can decode: its bytes as they are, and why. */
    CompletableFuture<Void> unreadable(RecordDeserializationException e) {
        TopicPartition tp = e.topicPartition();
        String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : "no cause given";
        return Sends.send(rawProducer, new ProducerRecord<>(topic, null, bytes(e.keyBuffer()), bytes(e.valueBuffer()), unreadableHeaders(e)))
                .thenRun(() -> {
                    metrics.deadLettered();
                    LOG.errorf("lane %s: unreadable record at %s offset %d dead-lettered: %s", model, tp, e.offset(), why);
                });
    }

    static RecordHeaders readableHeaders(ConsumerRecord<?, ?> record, String reason, int attempts) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, "dead-letter-reason", reason);
        add(headers, "dead-letter-topic", record.topic());
        add(headers, "dead-letter-partition", Integer.toString(record.partition()));
        add(headers, "dead-letter-offset", Long.toString(record.offset()));
        add(headers, "dead-letter-attempts", Integer.toString(attempts));
        return headers;
    }

    static RecordHeaders unreadableHeaders(RecordDeserializationException e) {
        TopicPartition tp = e.topicPartition();
        RecordHeaders headers = new RecordHeaders();
        // Kafka's message says where; the cause (our deserializer's) says why
        String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : "no cause given";
        add(headers, "dead-letter-reason", "not a readable ResponseRequested: " + e.getMessage() + " Cause: " + why);
        if (e.getCause() != null) {
            add(headers, "dead-letter-cause", e.getCause().getClass().getName());
        }
        add(headers, "dead-letter-topic", tp.topic());
        add(headers, "dead-letter-partition", Integer.toString(tp.partition()));
        add(headers, "dead-letter-offset", Long.toString(e.offset()));
        return headers;
    }

    private static void add(RecordHeaders headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
