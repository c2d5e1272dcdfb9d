package dev.spavl.responder.lane;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A producer send as a future that completes when the broker acknowledged the record (acks=all) and fails when it
 * did not, within {@value #ACK_WAIT_SECONDS} s. Invariant: never throws; a send the producer refused at once (closed,
 * not serializable) is a failed future too. Dependent stages run on the producer's I/O thread: keep them short
 * and never send from them.
 */
final class Sends {

    /** How long a lane waits for an acknowledgement before it treats the record as not written. */
    static final long ACK_WAIT_SECONDS = 30;

    private Sends() {
    }

    static <K, V> CompletableFuture<RecordMetadata> send(Producer<K, V> producer, ProducerRecord<K, V> record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    acked.completeExceptionally(e);
                } else {
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked.orTimeout(ACK_WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
