package dev.spavl.testkit;

import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.OutgoingKafkaRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A poll's batch built by hand, for testing a {@code batch=true} consumer method without a broker deciding what
 * arrives together: records whose nacks are reported to a callback, and a batch whose ack is.
 */
public final class RecordBatches {

    private RecordBatches() {
    }

    /** A record of {@code topic} whose nack reports {@code nacked} the failure. */
    public static <T> KafkaRecord<String, T> record(String topic, String key, T payload, Consumer<Throwable> nacked) {
        return nackable(KafkaRecord.of(topic, key, payload), nacked);
    }

    /** {@code r} (for instance with headers added) reporting its nack to {@code nacked}. */
    public static <T> KafkaRecord<String, T> nackable(OutgoingKafkaRecord<String, T> r, Consumer<Throwable> nacked) {
        return r.withNack(f -> {
            nacked.accept(f);
            return CompletableFuture.completedFuture(null);
        });
    }

    /** The records as one batch, in order; {@code acked} runs when the batch is acked. */
    public static <T> KafkaRecordBatch<String, T> of(List<KafkaRecord<String, T>> records, Runnable acked) {
        List<KafkaRecord<String, T>> all = List.copyOf(records);
        return new KafkaRecordBatch<>() {
            @Override
            public List<KafkaRecord<String, T>> getRecords() {
                return all;
            }

            @Override
            public Map<TopicPartition, KafkaRecord<String, T>> getLatestOffsetRecords() {
                return Map.of();
            }

            @Override
            public Iterator<KafkaRecord<String, T>> iterator() {
                return all.iterator();
            }

            @Override
            public List<T> getPayload() {
                return all.stream().map(KafkaRecord::getPayload).toList();
            }

            @Override
            public CompletionStage<Void> ack() {
                acked.run();
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletionStage<Void> ack(Metadata metadata) {
                return ack();
            }
        };
    }
}
