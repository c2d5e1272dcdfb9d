package dev.spavl.observability;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Trace context through the headers of records handled with the plain Kafka clients (SmallRye's channels do this
 * themselves): {@link #process} starts a consumer span whose parent is the trace in the record's headers
 * ({@code traceparent}, W3C, or whatever propagators the OpenTelemetry instance has) and makes it current;
 * {@link #inject} writes the current context into the headers of a record about to be sent. With the OpenTelemetry
 * SDK on and its exporter off, spans are still made and their ids still travel: only nothing is exported. With
 * {@link OpenTelemetry#noop()} nothing happens at all.
 */
public final class KafkaTraceContext {

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            headers.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            Header h = headers.lastHeader(key);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapSetter<Headers> SETTER = (headers, key, value) -> {
        if (headers != null) {
            headers.remove(key);
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    };

    private final OpenTelemetry openTelemetry;
    private final String instrumentation;

    /** @param instrumentation the tracer's name, e.g. {@code spavl-responder} */
    public KafkaTraceContext(OpenTelemetry openTelemetry, String instrumentation) {
        this.openTelemetry = openTelemetry;
        this.instrumentation = instrumentation;
    }

    /** The processing of one consumed record, as the current span until {@link Processing#close()}. */
    public Processing process(ConsumerRecord<?, ?> record) {
        Context parent = openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), record.headers(), GETTER);
        Span span = openTelemetry.getTracer(instrumentation).spanBuilder(record.topic() + " process")
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.kafka.destination.partition", record.partition())
                .setAttribute("messaging.kafka.message.offset", record.offset())
                .startSpan();
        return new Processing(span, span.makeCurrent());
    }

    /** Writes the current trace context into {@code headers} (replacing any there), for a record about to be sent. */
    public Headers inject(Headers headers) {
        openTelemetry.getPropagators().getTextMapPropagator().inject(Context.current(), headers, SETTER);
        return headers;
    }

    /** A consumed record's span, current on this thread while open. */
    public static final class Processing implements AutoCloseable {
        private final Span span;
        private final Scope scope;

        private Processing(Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
        }

        public void failed(Throwable error) {
            span.recordException(error);
            span.setStatus(StatusCode.ERROR);
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }
}
