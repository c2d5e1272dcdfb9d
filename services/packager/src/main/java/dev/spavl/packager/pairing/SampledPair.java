package dev.spavl.packager.pairing;

import java.util.Objects;
import java.util.Set;

/**
 * Two answers from different models, in the position order they are shown to the judge (A first).
 * {@code groupA}/{@code groupB} are the safety groups of the two models
 * ({@link PairSampler#UNKNOWN_GROUP} for a model the grouping does not know).
 */
public record SampledPair(Candidate a, Candidate b, int groupA, int groupB) {

    public SampledPair {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.modelId().equals(b.modelId())) {
            throw new IllegalArgumentException("a pair needs two different models, got " + a.modelId() + " twice");
        }
    }

    /** The unordered pair of model ids, the form {@link PairSampler} takes as "already tried". */
    public Set<String> models() {
        return Set.of(a.modelId(), b.modelId());
    }

    public boolean crossGroup() {
        return groupA != groupB;
    }
}
