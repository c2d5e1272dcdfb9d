package dev.spavl.responder.lane;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendsTest {

    private final MockProducer<String, String> producer = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());

    @Test
    void aSendIsDoneOnlyWhenTheBrokerAcknowledgedIt() throws Exception {
        CompletableFuture<RecordMetadata> acked = Sends.send(producer, new ProducerRecord<>("spavl.responses", "q1", "outcome"));
        assertThat(acked).as("sent, not acknowledged yet").isNotDone();
        producer.completeNext();
        assertThat(acked.get().topic()).isEqualTo("spavl.responses");
    }

    @Test
    void aSendTheBrokerRefusedFails() {
        CompletableFuture<RecordMetadata> acked = Sends.send(producer, new ProducerRecord<>("spavl.responses", "q1", "outcome"));
        producer.errorNext(new org.apache.kafka.common.errors.NotEnoughReplicasException("not enough replicas"));
        assertThatThrownBy(acked::join).hasCauseInstanceOf(org.apache.kafka.common.errors.NotEnoughReplicasException.class);
    }

    @Test
    void aSendTheProducerRefusedAtOnceIsAFailedFutureNotAThrow() {
        producer.close();
        CompletableFuture<RecordMetadata> acked = Sends.send(producer, new ProducerRecord<>("spavl.responses", "q1", "outcome"));
        assertThat(acked).isCompletedExceptionally();
        assertThatThrownBy(acked::join).hasMessageContaining("closed");
    }
}
