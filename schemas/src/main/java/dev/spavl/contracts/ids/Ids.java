package dev.spavl.contracts.ids;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic ids: the same inputs always give the same id, so a replayed event carries the id
 * of the original and duplicates collapse at the consumer. An id is {@code <kind>-<32 hex>}: the
 * first 128 bits of SHA-256 over the kind and the parts, each part length-prefixed so that
 * ("ab","c") and ("a","bc") differ. Other languages reproduce it from this description.
 */
public final class Ids {

    private Ids() {
    }

    public static String of(String kind, Object... parts) {
        MessageDigest sha = sha256();
        update(sha, kind);
        for (Object part : parts) {
            update(sha, String.valueOf(part));
        }
        return kind + "-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    /** Id of an event: the event type plus the ids that make it unique. */
    public static String event(String eventType, Object... parts) {
        Object[] all = new Object[parts.length + 1];
        all[0] = eventType;
        System.arraycopy(parts, 0, all, 1, parts.length);
        return of("evt", all);
    }

    private static void update(MessageDigest sha, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
