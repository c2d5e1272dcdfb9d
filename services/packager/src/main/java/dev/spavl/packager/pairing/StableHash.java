package dev.spavl.packager.pairing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A 64-bit hash that is identical on every JVM, platform and release, so that a run seed replays the
 * same pairs and splits anywhere. {@link String#hashCode()} is too weak (32 bits, trivial collisions)
 * and must not be the only input to a seed.
 *
 * <p>Definition: SHA-256 over {@code seed} (8 bytes, big-endian) followed by every part as a 4-byte
 * big-endian length and its UTF-8 bytes; the result is the first 8 bytes of the digest, big-endian.
 * The length prefix keeps {@code ("ab","c")} and {@code ("a","bc")} apart. Changing this definition
 * changes every pair and split of every run: don't.
 */
public final class StableHash {

    private StableHash() {
    }

    /** The hash of {@code seed} and {@code parts}, in that order; parts must not be null. */
    public static long of(long seed, String... parts) {
        MessageDigest sha = sha256();
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
        for (String part : parts) {
            if (part == null) {
                throw new IllegalArgumentException("hash parts must not be null");
            }
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha.update(bytes);
        }
        return ByteBuffer.wrap(sha.digest(), 0, Long.BYTES).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
