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

    private static Map<String, String> strings(Headers headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : headers) {
            out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
