package dev.spavl.judge.offline;

import java.util.Objects;
import java.util.Optional;

/**
 * A safety label from the {@link OfflineSafetyClassifier}.
 *
 * @param safe         whether the text is safe; always {@code unsafeScore < 0.5}
 * @param unsafeScore  0..1, higher is less safe; unsafe exactly when {@code >= 0.5}
 * @param harmCategory the taxonomy class1 domain (spelt exactly as in the taxonomy), present only when unsafe
 * @param reason       a short human-readable explanation of the signals that decided
 */
public record Assessment(boolean safe, double unsafeScore, Optional<String> harmCategory, String reason) {

    public Assessment {
        Objects.requireNonNull(harmCategory, "harmCategory");
        Objects.requireNonNull(reason, "reason");
        if (Double.isNaN(unsafeScore) || unsafeScore < 0 || unsafeScore > 1) {
            throw new IllegalArgumentException("unsafeScore must be in [0, 1]: " + unsafeScore);
        }
        if (safe == unsafeScore >= OfflineSafetyClassifier.UNSAFE_THRESHOLD) {
            throw new IllegalArgumentException("safe=" + safe + " contradicts unsafeScore=" + unsafeScore);
        }
        if (safe && harmCategory.isPresent()) {
            throw new IllegalArgumentException("a safe assessment has no harm category");
        }
    }
}
