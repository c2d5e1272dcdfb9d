package dev.spavl.kafka.batch;

import dev.spavl.testkit.RecordBatches;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.OutgoingKafkaRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        return RecordBatches.record("spavl.responses", "k", payload, this::nacked);
    }

    private KafkaRecord<String, String> nackable(OutgoingKafkaRecord<String, String> r) {
        return RecordBatches.nackable(r, this::nacked);
    }

    private void nacked(Throwable f) {
        log.add("nack " + f.getClass().getSimpleName() + ": " + f.getMessage());
    }

    @SafeVarargs
    private final KafkaRecordBatch<String, String> batch(KafkaRecord<String, String>... records) {
        return RecordBatches.of(List.of(records), () -> log.add("ack"));
    }
}
