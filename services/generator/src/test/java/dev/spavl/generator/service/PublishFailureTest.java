package dev.spavl.generator.service;

import io.smallrye.mutiny.CompositeException;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class PublishFailureTest {

    @Test
    void recordsRefusedForWhatTheyAreAreNotRetried() {
        assertThat(PublishFailure.of(new RecordTooLargeException("The message is 10485900 bytes when serialized which is "
                + "larger than 1048576, which is the value of the max.request.size configuration.")))
                .isEqualTo(new PublishFailure(true, "RecordTooLargeException: The message is 10485900 bytes when serialized "
                        + "which is larger than 1048576, which is the value of the max.request.size configuration."));
        assertThat(PublishFailure.of(new SerializationException("cannot write")).permanent()).isTrue();
        assertThat(PublishFailure.of(new InvalidRecordException("bad timestamp")).permanent()).isTrue();
        assertThat(PublishFailure.of(new AvroRuntimeException("Field caption type:STRING pos:11 does not accept null")).permanent())
                .isTrue();
    }

    @Test
    void theCauseDecidesWhateverWrapsIt() {
        PublishFailure wrapped = PublishFailure.of(new CompletionException(new CompositeException(
                new IllegalStateException("nacked"), new RecordTooLargeException("too large"))));
        assertThat(wrapped).isEqualTo(new PublishFailure(true, "RecordTooLargeException: too large"));
    }

    @Test
    void theRegistryRefusingTheSchemaIsPermanentItsAbsenceIsNot() {
        assertThat(PublishFailure.of(new SerializationException("registration failed", registry(409))).permanent()).isTrue();
        assertThat(PublishFailure.of(registry(503)).permanent()).isFalse();
        assertThat(PublishFailure.of(registry(429)).permanent()).isFalse();
        assertThat(PublishFailure.of(new SerializationException("registry unreachable",
                new ConnectException("Connection refused"))).permanent()).isFalse();
    }

    @Test
    void timeoutsAndRetriableBrokerErrorsMayPass() {
        assertThat(PublishFailure.of(new TimeoutException("Topic spavl.requests.ghost not present in metadata after 1000 ms.")))
                .isEqualTo(new PublishFailure(false,
                        "TimeoutException: Topic spavl.requests.ghost not present in metadata after 1000 ms."));
        assertThat(PublishFailure.of(new NotEnoughReplicasException("2 < 3")).permanent()).isFalse();
        assertThat(PublishFailure.of(new IllegalStateException()).detail()).isEqualTo("IllegalStateException");
    }

    private static com.microsoft.kiota.ApiException registry(int status) {
        return new com.microsoft.kiota.ApiException("HTTP " + status) {
            {
                setResponseStatusCode(status);
            }
        };
    }
}
