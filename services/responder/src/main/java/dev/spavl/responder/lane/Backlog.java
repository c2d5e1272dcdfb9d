package dev.spavl.responder.lane;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.ObjLongConsumer;

/**
 * The requests a lane polled and has not handed to its workers yet, oldest first: a poll brings more than the workers
 * take at once. Invariant: per partition they leave in offset order, so every request handed out is older than every
 * one still here, and a partition revoked takes its requests back (never started, for the next owner). Not
 * thread-safe: the lane thread owns it.
 */
final class Backlog<K, V> {

    private final Deque<ConsumerRecord<K, V>> records = new ArrayDeque<>();

    void add(ConsumerRecord<K, V> record) {
        records.add(record);
    }

    /** The oldest request, or null when none waits. */
    ConsumerRecord<K, V> next() {
        return records.poll();
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    int size() {
        return records.size();
    }

    /**
     * Removes the requests of {@code partitions}, telling {@code removed} each one; returns each such partition's
     * oldest offset (where its next owner starts).
     */
    Map<TopicPartition, Long> remove(Collection<TopicPartition> partitions, ObjLongConsumer<TopicPartition> removed) {
        Map<TopicPartition, Long> oldest = new HashMap<>();
        for (Iterator<ConsumerRecord<K, V>> it = records.iterator(); it.hasNext(); ) {
            ConsumerRecord<K, V> r = it.next();
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (partitions.contains(tp)) {
                it.remove();
                removed.accept(tp, r.offset());
                oldest.merge(tp, r.offset(), Math::min);
            }
        }
        return oldest;
    }
}
