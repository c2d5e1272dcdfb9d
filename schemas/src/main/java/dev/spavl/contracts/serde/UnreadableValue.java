package dev.spavl.contracts.serde;

import com.microsoft.kiota.ApiException;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Says in one sentence why a record value could not be read, for dead-letter reasons and logs: not in the
 * Confluent wire format, a schema id the registry does not know, the registry unreachable, or bytes that are no
 * encoding of the writer's schema. The Avro and registry clients' own messages are often empty or name only an
 * exception class (the registry client's 404 carries no message at all).
 */
public final class UnreadableValue {

    private UnreadableValue() {
    }

    public static String explain(String topic, byte[] data, Throwable failure) {
        String where = "value in " + topic;
        if (data == null) {
            return where + " is null: " + rootMessage(failure);
        }
        if (data.length < 5 || data[0] != 0) {
            return where + " (" + data.length + " bytes) is not in the Confluent wire format: expected magic byte 0 and a "
                    + "4-byte schema id, found " + (data.length == 0 ? "nothing" : String.format("first byte 0x%02x", data[0] & 0xff));
        }
        int schemaId = ByteBuffer.wrap(data, 1, 4).getInt();
        Integer status = registryStatus(failure);
        if (status != null && status == 404) {
            return where + " names schema id " + schemaId + ", which the schema registry does not know (HTTP 404)";
        }
        if (status != null) {
            return where + " names schema id " + schemaId + "; the schema registry answered HTTP " + status + " when asked for it";
        }
        return where + " (schema id " + schemaId + ", " + (data.length - 5) + " bytes of data) could not be decoded with "
                + "that schema: " + rootMessage(failure);
    }

    /** The HTTP status of a failed registry call anywhere in the failure (causes and suppressed), if there was one. */
    static Integer registryStatus(Throwable failure) {
        for (Throwable t : all(failure)) {
            if (t instanceof ApiException api && api.getResponseStatusCode() > 0) {
                return api.getResponseStatusCode();
            }
        }
        return null;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static Iterable<Throwable> all(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        Deque<Throwable> pending = new ArrayDeque<>();
        pending.add(failure);
        while (!pending.isEmpty()) {
            Throwable t = pending.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
            for (Throwable s : t.getSuppressed()) {
                pending.add(s);
            }
        }
        return seen;
    }
}
