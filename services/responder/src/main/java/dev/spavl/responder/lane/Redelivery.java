package dev.spavl.responder.lane;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The headers a request carries on the lane's retry topic ({@code spavl.requests.<model>.retry}): how many
 * calls were made so far, when it may be tried again, and the last error. The value is the original
 * {@code ResponseRequested} unchanged, so the event contract stays as it is.
 */
final class Redelivery {

    static final String ATTEMPTS = "spavl-attempts";
    static final String NOT_BEFORE = "spavl-not-before";
    static final String LAST_ERROR = "spavl-last-error";

    private Redelivery() {
    }

    static Headers headers(int attemptsSoFar, Instant notBefore, String lastError) {
        RecordHeaders h = new RecordHeaders();
        h.add(ATTEMPTS, Integer.toString(attemptsSoFar).getBytes(StandardCharsets.UTF_8));
        h.add(NOT_BEFORE, Long.toString(notBefore.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        if (lastError != null) {
            h.add(LAST_ERROR, lastError.substring(0, Math.min(500, lastError.length())).getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    /** Calls already made for this request; 0 for a first delivery or unreadable headers. */
    static int attemptsSoFar(ConsumerRecord<?, ?> record) {
        return (int) Math.max(0, number(record.headers().lastHeader(ATTEMPTS), 0));
    }

    /** Epoch millis before which the request must not be tried; 0 when it may be tried at once. */
    static long notBefore(ConsumerRecord<?, ?> record) {
        return number(record.headers().lastHeader(NOT_BEFORE), 0);
    }

    private static long number(Header h, long fallback) {
        if (h == null || h.value() == null) {
            return fallback;
        }
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return fallback; // a hand-made record: treat as due now, first round
        }
    }
}
