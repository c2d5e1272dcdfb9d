package dev.spavl.responder.lane;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLettersTest {

    @Test
    void aReadableDeadLetterSaysWhyAndWhereItCameFrom() {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("spavl.requests.otter.retry", 2, 41, "q1", "request");
        Map<String, String> headers = strings(DeadLetters.readableHeaders(record, "gave up after 6 attempts: 503", 6));
        assertThat(headers).containsExactly(
                Map.entry("dead-letter-reason", "gave up after 6 attempts: 503"),
                Map.entry("dead-letter-topic", "spavl.requests.otter.retry"),
                Map.entry("dead-letter-partition", "2"),
                Map.entry("dead-letter-offset", "41"),
                Map.entry("dead-letter-attempts", "6"));
    }

    @Test
    void aDeadLetterCountsOnlyOnceTheBrokerAcknowledgedIt() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        org.apache.kafka.clients.producer.MockProducer<String, Object> producer = new org.apache.kafka.clients.producer.MockProducer<>(
                false, null, new org.apache.kafka.common.serialization.StringSerializer(), (topic, value) -> new byte[0]);
        DeadLetters deadLetters = new DeadLetters("otter", "spavl.requests.otter", producer, null,
                new dev.spavl.observability.KafkaTraceContext(io.opentelemetry.api.OpenTelemetry.noop(), "test"),
                new LaneMetrics(registry, "otter"));

        // a record without a value (a tombstone) is dead-lettered as it came
        java.util.concurrent.CompletableFuture<Void> sent = deadLetters.readable(
                new ConsumerRecord<>("spavl.requests.otter", 0, 7, "q1", null), "failed while handling the request", 0);
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("spavl.requests.otter.dlq");
            assertThat(r.key()).isEqualTo("q1");
            assertThat(strings(r.headers())).containsEntry("dead-letter-offset", "7");
        });
        assertThat(sent).isNotDone();
        assertThat(registry.get("spavl.responder.dead.letters").counter().count()).isZero();

        producer.completeNext();
        assertThat(sent).isCompleted();
        assertThat(registry.get("spavl.responder.dead.letters").counter().count()).isEqualTo(1.0);
    }

    private static Map<String, String> strings(Headers headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : headers) {
            out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
