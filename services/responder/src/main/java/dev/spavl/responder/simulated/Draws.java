package dev.spavl.responder.simulated;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Pseudo-random numbers that are pure functions of (seed, model id, purpose, text, attempt). A hash instead
 * of a shared {@code Random} because answers must not depend on call order, concurrency or process restarts:
 * a redelivered request after a crash must get exactly the answer it got before. SHA-256 rather than
 * {@code String.hashCode} because neighbouring question texts must give unrelated draws.
 */
final class Draws {

    private final String prefix;

    Draws(long seed, String modelId) {
        this.prefix = seed + "\u0000" + modelId + "\u0000";
    }

    /** Uniform in [0, 1). */
    double uniform(String purpose, String text) {
        return toUnit(hash(purpose, text, 0));
    }

    /** Uniform in [0, 1), separate per attempt so that a retry draws afresh. */
    double uniform(String purpose, String text, int attempt) {
        return toUnit(hash(purpose, text, attempt));
    }

    /** Uniform index in [0, n). */
    int index(String purpose, String text, int n) {
        return (int) Math.floor(uniform(purpose, text) * n);
    }

    /** Standard normal (Box-Muller on two independent draws). */
    double gaussian(String purpose, String text, int attempt) {
        double u1 = 1.0 - uniform(purpose + "#1", text, attempt); // (0, 1]: log stays finite
        double u2 = uniform(purpose + "#2", text, attempt);
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private long hash(String purpose, String text, int attempt) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM must provide SHA-256", e);
        }
        byte[] d = sha.digest((prefix + purpose + "\u0000" + attempt + "\u0000" + text)
                .getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xFF);
        }
        return h;
    }

    private static double toUnit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }
}
