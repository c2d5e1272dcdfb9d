package dev.spavl.blobstore;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Content keys shared by every store: {@code sha256/<hex[0..2]>/<hex[2..4]>/<hex>}.
 * The two fan-out levels keep directories (and S3 listing pages) small.
 */
public final class BlobKeys {

    /** First path segment of every key; names the hash so another one can be added later. */
    public static final String ALGORITHM_SEGMENT = "sha256";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern KEY = Pattern.compile(
            ALGORITHM_SEGMENT + "/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})");

    private BlobKeys() {
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code s} is 64 hex characters (either case). */
    public static boolean isSha256Hex(String s) {
        return s != null && SHA256_HEX.matcher(s).matches();
    }

    /**
     * Validates a hex SHA-256 and returns it in lower case (keys are canonical in lower case).
     *
     * @throws IllegalArgumentException when it is not 64 hex characters
     */
    public static String requireSha256(String sha256) {
        if (!isSha256Hex(sha256)) {
            throw new IllegalArgumentException(
                    "not a hex sha256 (64 hex characters expected): " + sha256);
        }
        return sha256.toLowerCase(Locale.ROOT);
    }

    /** The key for content with this sha256, e.g. {@code sha256/ab/cd/abcd...}. */
    public static String keyOf(String sha256) {
        String hex = requireSha256(sha256);
        return ALGORITHM_SEGMENT + "/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
    }

    /**
     * The sha256 named by a key, which must be exactly in the canonical form (lower case, fan-out
     * directories consistent with the hash).
     *
     * @throws IllegalArgumentException when {@code key} is not a canonical content key
     */
    public static String sha256OfKey(String key) {
        var m = key == null ? null : KEY.matcher(key);
        if (m == null || !m.matches()
                || !m.group(3).startsWith(m.group(1) + m.group(2))) {
            throw new IllegalArgumentException("not a content key (expected "
                    + ALGORITHM_SEGMENT + "/<2 hex>/<2 hex>/<64 lower-case hex>): " + key);
        }
        return m.group(3);
    }
}
