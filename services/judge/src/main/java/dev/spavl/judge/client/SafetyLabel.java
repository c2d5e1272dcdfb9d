package dev.spavl.judge.client;

import java.util.Optional;

/**
 * A safety label: safe or not, the probability that the subject is unsafe, and when unsafe the taxonomy
 * domain (class1) it falls under, when the judge named one.
 */
public record SafetyLabel(boolean safe, double unsafeScore, Optional<String> harmCategory) {

    public SafetyLabel {
        if (!(unsafeScore >= 0 && unsafeScore <= 1)) {
            throw new IllegalArgumentException("unsafe score must be within 0..1, was " + unsafeScore);
        }
        harmCategory = safe || harmCategory == null ? Optional.empty() : harmCategory;
    }
}
