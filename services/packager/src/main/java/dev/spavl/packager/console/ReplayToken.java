package dev.spavl.packager.console;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The one credential the console knows: a shared bearer token for dead-letter replay, from
 * {@code spavl.console.replay-token} (env {@code SPAVL_CONSOLE_REPLAY_TOKEN}, in Kubernetes from a Secret). Compared
 * in constant time over SHA-256 digests, so neither the content nor the length leaks through timing.
 */
@ApplicationScoped
public class ReplayToken {

    private static final Logger LOG = Logger.getLogger(ReplayToken.class);
    static final int MIN_LENGTH = 16;

    /** What a request presented, checked. */
    public enum Check { ACCEPTED, DISABLED, MISSING, WRONG }

    private final byte[] expected;
    private final String disabledReason;

    public ReplayToken(ConsoleConfig config) {
        Optional<String> token = config.replayToken().map(String::trim).filter(t -> !t.isEmpty());
        if (token.isEmpty()) {
            expected = null;
            disabledReason = "replay is disabled: no credential is configured (set SPAVL_CONSOLE_REPLAY_TOKEN, at least "
                    + MIN_LENGTH + " characters, and send it as 'Authorization: Bearer <token>')";
        } else if (token.get().length() < MIN_LENGTH) {
            expected = null;
            disabledReason = "replay is disabled: SPAVL_CONSOLE_REPLAY_TOKEN is shorter than " + MIN_LENGTH + " characters";
        } else {
            expected = sha256(token.get());
            disabledReason = null;
        }
        if (disabledReason != null) {
            LOG.info("console: " + disabledReason);
        }
    }

    public boolean enabled() {
        return expected != null;
    }

    /** Why replay is off; null when it is on. */
    public String disabledReason() {
        return disabledReason;
    }

    /** @param authorization the request's Authorization header, possibly null */
    public Check check(String authorization) {
        if (expected == null) {
            return Check.DISABLED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Check.MISSING;
        }
        return MessageDigest.isEqual(expected, sha256(authorization.substring(7).trim())) ? Check.ACCEPTED : Check.WRONG;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
