package dev.spavl.kafka.batch;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.OutgoingKafkaRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import static io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler.DESERIALIZATION_FAILURE_DLQ;
import static io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON;
import static org.assertj.core.api.Assertions.assertThat;

class PollBatchTest {

    /** What happened, in order: "applyAll [a, b]", "applyOne a", "nack b: reason", "ack". */
    private final List<String> log = new ArrayList<>();

    @Test
    void aBatchThatAppliesIsAppliedOnceAsAWholeAndAcked() {
        run(batch(record("a"), record("b"), record("c")), events -> ok("applyAll " + events), e -> ok("applyOne " + e));

        assertThat(log).containsExactly("applyAll [a, b, c]", "ack");
    }

    @Test
    void anUnreadableRecordIsNackedWithTheDeserializersReasonAfterTheRestIsApplied() {
        OutgoingKafkaRecord<String, String> unreadable = KafkaRecord.<String, String>of("spavl.responses", "k", null)
                .withHeader(DESERIALIZATION_FAILURE_DLQ, "true")
                .withHeader(DESERIALIZATION_FAILURE_REASON, "unknown magic byte 0x7b at offset 0");

        run(batch(record("a"), nackable(unreadable), record("c")), events -> ok("applyAll " + events), e -> ok("applyOne " + e));

        assertThat(log).containsExactly("applyAll [a, c]", "nack RecordDeserializationException: unknown magic byte 0x7b at offset 0",
                "ack");
    }

    @Test
    void aBatchThatFailsAsAWholeIsAppliedOneByOneAndOnlyTheRecordAtFaultIsNacked() {
        run(batch(record("a"), record("bad"), record("c")),
                events -> Uni.createFrom().failure(new IllegalStateException("constraint violated by bad")),
                e -> e.equals("bad") ? Uni.createFrom().failure(new IllegalArgumentException("bad is bad")) : ok("applyOne " + e));

        assertThat(log).containsExactly("applyOne a", "applyOne c", "nack IllegalArgumentException: bad is bad", "ack");
    }

    @Test
    void anExceptionThrownWhileBuildingTheBatchIsAFailureOfTheBatchNotOfTheConsumer() {
        run(batch(record("a"), record("b")), events -> {
            throw new IllegalStateException("could not build the statement");
        }, e -> ok("applyOne " + e));

        assertThat(log).containsExactly("applyOne a", "applyOne b", "ack");
    }

    @Test
    void aBatchOfOnlyUnreadableRecordsAppliesNothing() {
        OutgoingKafkaRecord<String, String> empty = KafkaRecord.of("spavl.responses", "k", null);

        run(batch(nackable(empty)), events -> ok("applyAll " + events), e -> ok("applyOne " + e));

        assertThat(log).hasSize(2).last().isEqualTo("ack");
        assertThat(log.get(0)).startsWith("nack RecordDeserializationException: record spavl.responses-").endsWith("has no value");
    }

    private void run(KafkaRecordBatch<String, String> batch, Function<List<String>, Uni<Void>> applyAll,
            Function<String, Uni<Void>> applyOne) {
        PollBatch.apply(batch, "Test", applyAll, applyOne).await().atMost(Duration.ofSeconds(5));
    }

    private Uni<Void> ok(String what) {
        return Uni.createFrom().voidItem().invoke(() -> log.add(what));
    }

    private KafkaRecord<String, String> record(String payload) {
        return nackable(KafkaRecord.of("spavl.responses", "k", payload));
    }

    private KafkaRecord<String, String> nackable(OutgoingKafkaRecord<String, String> r) {
        return r.withNack(f -> {
            log.add("nack " + f.getClass().getSimpleName() + ": " + f.getMessage());
            return CompletableFuture.completedFuture(null);
        });
    }

    @SafeVarargs
    private final KafkaRecordBatch<String, String> batch(KafkaRecord<String, String>... records) {
        List<KafkaRecord<String, String>> all = List.of(records);
        return new KafkaRecordBatch<>() {
            @Override
            public List<KafkaRecord<String, String>> getRecords() {
                return all;
            }

            @Override
            public Map<TopicPartition, KafkaRecord<String, String>> getLatestOffsetRecords() {
                return Map.of();
            }

            @Override
            public Iterator<KafkaRecord<String, String>> iterator() {
                return all.iterator();
            }

            @Override
            public List<String> getPayload() {
                return all.stream().map(KafkaRecord::getPayload).toList();
            }

            @Override
            public CompletionStage<Void> ack() {
                log.add("ack");
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletionStage<Void> ack(Metadata metadata) {
                return ack();
            }
        };
    }
}
