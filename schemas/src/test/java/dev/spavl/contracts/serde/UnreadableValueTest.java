package dev.spavl.contracts.serde;

import com.microsoft.kiota.ApiException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class UnreadableValueTest {

    private static byte[] wire(int schemaId, int dataBytes) {
        return ByteBuffer.allocate(5 + dataBytes).put((byte) 0).putInt(schemaId).array();
    }

    private static ApiException registryAnswered(int status) {
        ApiException e = new ApiException() {
        };
        try {
            var setter = ApiException.class.getDeclaredMethod("setResponseStatusCode", int.class);
            setter.setAccessible(true);
            setter.invoke(e, status);
        } catch (ReflectiveOperationException x) {
            throw new IllegalStateException(x);
        }
        return e;
    }

    @Test
    void anUnknownSchemaIdIsNamedEvenWhenTheRegistryErrorIsOnlySuppressed() {
        RuntimeException failure = new RuntimeException("resolve failed");
        failure.addSuppressed(registryAnswered(404));

        assertThat(UnreadableValue.explain("spavl.pairs", wire(987654, 3), failure))
                .isEqualTo("value in spavl.pairs names schema id 987654, which the schema registry does not know (HTTP 404)");
    }

    @Test
    void otherRegistryAnswersAreReportedWithTheirStatus() {
        assertThat(UnreadableValue.explain("spavl.pairs", wire(7, 3), new RuntimeException(registryAnswered(503))))
                .isEqualTo("value in spavl.pairs names schema id 7; the schema registry answered HTTP 503 when asked for it");
    }

    @Test
    void bytesThatAreNoEncodingOfTheSchemaSayWhatAvroSaid() {
        RuntimeException failure = new RuntimeException(new java.io.EOFException("unexpected end of input"));

        assertThat(UnreadableValue.explain("spavl.verdicts", wire(12, 32), failure))
                .isEqualTo("value in spavl.verdicts (schema id 12, 32 bytes of data) could not be decoded with that schema: "
                        + "EOFException: unexpected end of input");
    }

    @Test
    void aValueOutsideTheWireFormatSaysWhatWasFound() {
        assertThat(UnreadableValue.explain("spavl.runs", "{\"json\":1}".getBytes(), new IllegalStateException()))
                .isEqualTo("value in spavl.runs (10 bytes) is not in the Confluent wire format: expected magic byte 0 and a "
                        + "4-byte schema id, found first byte 0x7b");
        assertThat(UnreadableValue.explain("spavl.runs", new byte[0], new IllegalStateException())).endsWith("found nothing");
    }
}
