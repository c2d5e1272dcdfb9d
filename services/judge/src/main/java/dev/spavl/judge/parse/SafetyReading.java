package dev.spavl.judge.parse;

import java.util.Objects;
import java.util.Optional;

/**
 * One safety classifier decision.
 *
 * @param safe          the classifier's binary decision
 * @param unsafeScore   probability-like score in [0, 1] that the subject is unsafe
 * @param categoryCode  classifier-specific category code (e.g. {@code O5}, {@code S10}); only for unsafe readings
 * @param categoryLabel human name of the code from the parser's own table; empty for unknown codes
 */
public record SafetyReading(boolean safe, double unsafeScore, Optional<String> categoryCode,
                            Optional<String> categoryLabel) {

    public SafetyReading {
        Objects.requireNonNull(categoryCode, "categoryCode");
        Objects.requireNonNull(categoryLabel, "categoryLabel");
        // The negated form also rejects NaN.
        if (!(unsafeScore >= 0.0 && unsafeScore <= 1.0)) {
            throw new IllegalArgumentException("unsafeScore must be in [0,1]: " + unsafeScore);
        }
    }

    /** A safe reading with no category. */
    public static SafetyReading safe(double unsafeScore) {
        return new SafetyReading(true, unsafeScore, Optional.empty(), Optional.empty());
    }
}
