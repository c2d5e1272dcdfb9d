package dev.spavl.responder.lane;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumptionPausesTest {

    private static final String TOPIC = "spavl.requests.otter";
    private static final String RETRY = TOPIC + ".retry";
    private final TopicPartition requests = new TopicPartition(TOPIC, 0);
    private final TopicPartition retry = new TopicPartition(RETRY, 0);
    private final ConsumptionPauses pauses = new ConsumptionPauses(RETRY);
    private final Map<TopicPartition, Long> seeks = new HashMap<>();

    @Test
    void aRetryRecordNotDueIsPutBackWithTheRecordsBehindItAndItsPartitionHeldUntilDue() {
        long now = 1_000_000;
        ConsumerRecords<String, String> polled = records(Map.of(
                requests, List.of(record(TOPIC, 0, 10, null), record(TOPIC, 0, 11, null)),
                retry, List.of(record(RETRY, 0, 5, now - 1), record(RETRY, 0, 6, now + 30_000), record(RETRY, 0, 7, now - 1))));

        List<ConsumerRecord<String, String>> due = pauses.due(polled, now, seeks::put);

        assertThat(due).extracting(r -> r.topic() + "@" + r.offset()).containsExactlyInAnyOrder(TOPIC + "@10", TOPIC + "@11", RETRY + "@5");
        assertThat(seeks).containsExactly(Map.entry(retry, 6L));
        Set<TopicPartition> assigned = Set.of(requests, retry);
        assertThat(pauses.wanted(assigned, false, now + 29_999)).containsExactly(retry);
        assertThat(pauses.wanted(assigned, false, now + 30_000)).as("due now").isEmpty();
    }

    @Test
    void everyPartitionIsHeldWhileTheLaneHasEnoughToDoOrItsCircuitIsOpen() {
        Set<TopicPartition> assigned = Set.of(requests, retry);
        assertThat(pauses.wanted(assigned, true, 0)).containsExactlyInAnyOrderElementsOf(assigned);
        assertThat(pauses.wanted(assigned, false, 0)).isEmpty();
    }

    @Test
    void aDelayedPartitionThatIsNoLongerAssignedIsLetGo() {
        long now = 1_000;
        pauses.due(records(Map.of(retry, List.of(record(RETRY, 0, 1, now + 60_000)))), now, seeks::put);
        assertThat(pauses.wanted(Set.of(requests, retry), false, now)).containsExactly(retry);
        assertThat(pauses.wanted(Set.of(requests), false, now)).isEmpty();

        pauses.due(records(Map.of(retry, List.of(record(RETRY, 0, 1, now + 60_000)))), now, seeks::put);
        pauses.forget(List.of(retry));
        assertThat(pauses.wanted(Set.of(requests, retry), false, now)).as("revoked: its delay went with it").isEmpty();
    }

    private static ConsumerRecord<String, String> record(String topic, int partition, long offset, Long notBefore) {
        ConsumerRecord<String, String> r = new ConsumerRecord<>(topic, partition, offset, "q-" + offset, "request");
        if (notBefore != null) {
            Redelivery.headers(1, Instant.ofEpochMilli(notBefore), "boom").forEach(h -> r.headers().add(h));
        }
        return r;
    }

    private static ConsumerRecords<String, String> records(Map<TopicPartition, List<ConsumerRecord<String, String>>> byPartition) {
        return new ConsumerRecords<>(new LinkedHashMap<>(byPartition), Map.of());
    }
}
