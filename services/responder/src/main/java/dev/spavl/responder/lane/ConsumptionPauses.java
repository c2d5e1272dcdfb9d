package dev.spavl.responder.lane;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Which partitions a lane holds back: a retry-topic partition whose head is not due yet (until it is), and every
 * partition while the lane has enough to do or its circuit is open. Invariant: a retry-topic record is never handled
 * before its {@link Redelivery#notBefore}, and the records behind it (younger) wait with it, so per partition the
 * order is kept. Not thread-safe: the lane thread owns it.
 */
final class ConsumptionPauses {

    private final String retryTopic;
    /** Retry-topic partitions whose head is not due yet -> epoch millis when it is. */
    private final Map<TopicPartition, Long> delayed = new HashMap<>();

    ConsumptionPauses(String retryTopic) {
        this.retryTopic = retryTopic;
    }

    /**
     * The records to handle now, in poll order. A retry-topic record that is not due yet is put back
     * ({@code seek} to its offset) and its partition held until it is; the records behind it are dropped from
     * this batch and come again after the seek.
     */
    <K, V> List<ConsumerRecord<K, V>> due(ConsumerRecords<K, V> records, long now, BiConsumer<TopicPartition, Long> seek) {
        List<ConsumerRecord<K, V>> due = new ArrayList<>();
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<K, V> r : records.records(tp)) {
                if (tp.topic().equals(retryTopic)) {
                    long notBefore = Redelivery.notBefore(r);
                    if (notBefore > now) {
                        seek.accept(tp, r.offset());
                        delayed.put(tp, notBefore);
                        break;
                    }
                }
                due.add(r);
            }
        }
        return due;
    }

    /** The partitions to keep paused now: the delayed ones still assigned and not due, or all when {@code holdAll}. */
    Set<TopicPartition> wanted(Set<TopicPartition> assigned, boolean holdAll, long now) {
        delayed.entrySet().removeIf(e -> e.getValue() <= now || !assigned.contains(e.getKey()));
        Set<TopicPartition> want = new HashSet<>(delayed.keySet());
        if (holdAll) {
            want.addAll(assigned);
        }
        return want;
    }

    /** Revoked partitions: their delays go with them. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(delayed::remove);
    }
}
