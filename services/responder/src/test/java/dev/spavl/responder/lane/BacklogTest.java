package dev.spavl.responder.lane;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BacklogTest {

    private static final String TOPIC = "spavl.requests.otter";
    private final TopicPartition p0 = new TopicPartition(TOPIC, 0);
    private final TopicPartition p1 = new TopicPartition(TOPIC, 1);

    @Test
    void requestsLeaveInTheOrderTheyWerePolled() {
        Backlog<String, String> backlog = new Backlog<>();
        backlog.add(record(0, 5));
        backlog.add(record(0, 6));
        backlog.add(record(1, 2));
        assertThat(backlog.next().offset()).isEqualTo(5);
        assertThat(backlog.next().offset()).isEqualTo(6);
        assertThat(backlog.next().partition()).isEqualTo(1);
        assertThat(backlog.next()).isNull();
        assertThat(backlog.isEmpty()).isTrue();
    }

    @Test
    void aRevokedPartitionTakesItsRequestsBackAndSaysWhereItsNextOwnerStarts() {
        Backlog<String, String> backlog = new Backlog<>();
        backlog.add(record(0, 5));
        backlog.add(record(1, 2));
        backlog.add(record(0, 6));
        backlog.add(record(1, 3));
        List<String> removed = new ArrayList<>();

        Map<TopicPartition, Long> oldest = backlog.remove(List.of(p0), (tp, offset) -> removed.add(tp.partition() + "@" + offset));

        assertThat(oldest).containsExactly(Map.entry(p0, 5L));
        assertThat(removed).containsExactly("0@5", "0@6");
        assertThat(backlog.size()).isEqualTo(2);
        assertThat(backlog.next().offset()).as("the other partition keeps its order").isEqualTo(2);
        assertThat(backlog.remove(List.of(p0), (tp, offset) -> removed.add("again"))).isEmpty();
        assertThat(backlog.remove(List.of(p1), (tp, offset) -> { })).containsExactly(Map.entry(p1, 3L));
    }

    private static ConsumerRecord<String, String> record(int partition, long offset) {
        return new ConsumerRecord<>(TOPIC, partition, offset, "q" + offset, "request");
    }
}
