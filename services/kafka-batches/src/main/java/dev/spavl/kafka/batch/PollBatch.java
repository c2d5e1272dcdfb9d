package dev.spavl.kafka.batch;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler.DESERIALIZATION_FAILURE_DLQ;
import static io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON;

/**
 * A poll's records applied as one batch, with the failure handling of one record at a time: a batch that fails as a
 * whole is applied again record by record, so only a record that fails on its own is nacked (the channel's
 * dead-letter strategy sends it with the reason); an unreadable record is nacked with the deserializer's message,
 * as the connector does outside batches.
 */
public final class PollBatch {

    private static final Logger LOG = Logger.getLogger(PollBatch.class);

    private PollBatch() {
    }

    /**
     * @param eventType what the records are, for the log line of a batch that failed as a whole
     * @param applyAll  applies every readable payload of the batch, in order (the callers: one transaction)
     * @param applyOne  applies one payload, used only after {@code applyAll} failed
     * @return completes once the batch is applied, its failed records nacked and the batch acked
     */
    public static <T> Uni<Void> apply(KafkaRecordBatch<String, T> batch, String eventType, Function<List<T>, Uni<Void>> applyAll,
            Function<T, Uni<Void>> applyOne) {
        List<KafkaRecord<String, T>> readable = new ArrayList<>();
        List<Uni<Void>> nacks = new ArrayList<>();
        for (KafkaRecord<String, T> r : batch.getRecords()) {
            if (r.getPayload() != null) {
                readable.add(r);
            } else {
                nacks.add(Uni.createFrom().completionStage(() -> r.nack(unreadable(r))));
            }
        }
        Uni<Void> applied = readable.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.createFrom().deferred(() -> applyAll.apply(readable.stream().map(KafkaRecord::getPayload).toList()))
                        .onFailure().recoverWithUni(f -> {
                            LOG.warnf(f, "a batch of %d %s events (%s) failed as a whole; applying them one by one", readable.size(),
                                    eventType, offsets(readable));
                            return Multi.createFrom().iterable(readable).onItem().transformToUniAndConcatenate(r ->
                                            Uni.createFrom().deferred(() -> applyOne.apply(r.getPayload())).onFailure().recoverWithItem(g -> {
                                                nacks.add(Uni.createFrom().completionStage(() -> r.nack(g)));
                                                return null;
                                            }))
                                    .collect().last().replaceWithVoid();
                        });
        // failed records are nacked only once the rest is applied: the dead-letter handler acks each record it sends,
        // and in a batch the commit strategy tracks only each partition's last record, so acking that one early
        // could commit the offsets of records not yet applied
        return applied
                .chain(() -> nacks.isEmpty() ? Uni.createFrom().voidItem()
                        : Uni.join().all(List.copyOf(nacks)).andFailFast().replaceWithVoid())
                .chain(() -> Uni.createFrom().completionStage(batch::ack));
    }

    /** The reason the connector gives outside batches: the deserializer's own message, kept in the record's headers. */
    static RecordDeserializationException unreadable(KafkaRecord<String, ?> r) {
        Header failed = r.getHeaders().lastHeader(DESERIALIZATION_FAILURE_DLQ);
        Header reason = r.getHeaders().lastHeader(DESERIALIZATION_FAILURE_REASON);
        String message = failed == null ? "record " + r.getTopic() + "-" + r.getPartition() + "@" + offset(r) + " has no value"
                : reason != null ? new String(reason.value(), StandardCharsets.UTF_8) : "unreadable record";
        return new RecordDeserializationException(new TopicPartition(r.getTopic(), r.getPartition()), offset(r), message, null);
    }

    private static String offsets(List<? extends KafkaRecord<String, ?>> records) {
        Set<String> partitions = new LinkedHashSet<>();
        records.forEach(r -> partitions.add(r.getTopic() + "-" + r.getPartition()));
        return partitions + " offsets " + offset(records.get(0)) + ".." + offset(records.get(records.size() - 1));
    }

    private static long offset(KafkaRecord<String, ?> r) {
        return r.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset).orElse(-1L);
    }
}
