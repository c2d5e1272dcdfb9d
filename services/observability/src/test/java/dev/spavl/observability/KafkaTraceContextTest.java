package dev.spavl.observability;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The trace in a consumed record's headers is current while it is processed and goes on with what is sent meanwhile. */
class KafkaTraceContextTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private final KafkaTraceContext traces = new KafkaTraceContext(
            OpenTelemetry.propagating(ContextPropagators.create(W3CTraceContextPropagator.getInstance())), "test");

    @Test
    void theConsumedTraceIsCurrentAndInjectedIntoWhatIsSent() {
        ConsumerRecord<String, String> in = new ConsumerRecord<>("spavl.requests.otter", 0, 7, "q-1", "v");
        in.headers().add("traceparent", ("00-" + TRACE + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));

        RecordHeaders out = new RecordHeaders();
        out.add("traceparent", "00-ffffffffffffffffffffffffffffffff-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
        try (KafkaTraceContext.Processing ignored = traces.process(in)) {
            assertThat(Span.current().getSpanContext().getTraceId()).isEqualTo(TRACE);
            traces.inject(out);
        }
        assertThat(out.headers("traceparent")).as("replaced, not added").hasSize(1);
        assertThat(new String(out.lastHeader("traceparent").value(), StandardCharsets.UTF_8)).startsWith("00-" + TRACE + "-");
        assertThat(Span.current().getSpanContext().isValid()).as("nothing current afterwards").isFalse();
    }

    @Test
    void aRecordWithoutTraceGetsNoParentAndNothingBreaks() {
        ConsumerRecord<String, String> in = new ConsumerRecord<>("spavl.requests.otter", 0, 8, "q-2", "v");
        RecordHeaders out = new RecordHeaders();
        try (KafkaTraceContext.Processing ignored = traces.process(in)) {
            traces.inject(out);
        }
        assertThat(out.lastHeader("traceparent")).as("no SDK and no parent: nothing to propagate").isNull();
    }
}
