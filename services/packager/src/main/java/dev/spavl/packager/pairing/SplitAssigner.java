package dev.spavl.packager.pairing;

import dev.spavl.contracts.splits.SplitKeys;
import dev.spavl.events.DatasetSplit;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Assigns each image to one dataset split (SPA-VL step 6), so that no image appears in two splits:
 * the split is a function of (split seed, image id) only, never of the question or the pair.
 *
 * <p>The image's {@link StableHash} (domain "split") is reduced to a number in [0, sum of weights)
 * and the split is the weight interval it falls in (TRAIN, VALIDATION, TEST_HARM, TEST_HELP, in that
 * order). Expected shares therefore equal the weights' proportions; actual counts of a run vary
 * around them (a binomial draw per image), they are not quotas.
 *
 * <p>With {@link #paperProportions()} (93,258 : 7,000 : 265 : 265) each test split gets about 0.26%
 * of the images, so a small run puts almost everything in TRAIN and may leave the test splits empty:
 * use {@link #parse} with larger test weights for small runs.
 */
public final class SplitAssigner {

    /** The dataset splits of the released SPA-VL data: default/train, validation, test/harm, test/help. */
    public enum Split {
        TRAIN, VALIDATION, TEST_HARM, TEST_HELP;

        /** The name used in the configuration spec, e.g. {@code test-harm} ({@link SplitKeys}). */
        public String key() {
            return SplitKeys.key(DatasetSplit.valueOf(name()));
        }
    }

    private static final Split[] ORDER = Split.values();

    private final Map<Split, Long> weights;
    private final long total;

    public SplitAssigner(long train, long validation, long testHarm, long testHelp) {
        long[] given = {train, validation, testHarm, testHelp};
        EnumMap<Split, Long> map = new EnumMap<>(Split.class);
        long sum = 0;
        for (int i = 0; i < ORDER.length; i++) {
            if (given[i] < 0) {
                throw new IllegalArgumentException(
                        "split weight " + ORDER[i].key() + " must be >= 0, got " + given[i]);
            }
            try {
                sum = Math.addExact(sum, given[i]);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("split weights overflow a long");
            }
            map.put(ORDER[i], given[i]);
        }
        if (sum == 0) {
            throw new IllegalArgumentException("split weights must not all be 0");
        }
        this.weights = Collections.unmodifiableMap(map);
        this.total = sum;
    }

    /** The paper's split sizes used as weights: train 93,258, validation 7,000, test harm 265, test help 265. */
    public static SplitAssigner paperProportions() {
        return new SplitAssigner(93_258, 7_000, 265, 265);
    }

    /**
     * Parses {@code train=93258,validation=7000,test-harm=265,test-help=265}. Keys are
     * case-insensitive, {@code _} may stand for {@code -}, whitespace is ignored, a key left out has
     * weight 0, a key given twice or an unknown key is an error naming the entry.
     */
    public static SplitAssigner parse(String spec) {
        EnumMap<Split, Long> given = new EnumMap<>(Split.class);
        for (KeyValueSpec.Entry e : KeyValueSpec.parse(spec, "split", "name=weight",
                "train=93258,validation=7000,test-harm=265,test-help=265")) {
            DatasetSplit named = SplitKeys.parse(e.key());
            Split split = named == null ? null : Split.valueOf(named.name());
            if (split == null) {
                throw KeyValueSpec.bad("split", e.raw(), "unknown split, expected one of " + String.join(", ", SplitKeys.KEYS));
            }
            if (e.value() < 0) {
                throw KeyValueSpec.bad("split", e.raw(), "weight must be >= 0");
            }
            if (given.putIfAbsent(split, e.value()) != null) {
                throw KeyValueSpec.bad("split", e.raw(), split.key() + " is given twice");
            }
        }
        return new SplitAssigner(
                given.getOrDefault(Split.TRAIN, 0L),
                given.getOrDefault(Split.VALIDATION, 0L),
                given.getOrDefault(Split.TEST_HARM, 0L),
                given.getOrDefault(Split.TEST_HELP, 0L));
    }

    /** The split of an image; the same for every question and pair of that image for a given split seed. */
    public Split assign(String imageId, long runSeed) {
        Objects.requireNonNull(imageId, "imageId");
        // Unsigned remainder of a 64-bit hash: the bias is at most total / 2^64, negligible.
        long point = Long.remainderUnsigned(StableHash.of(runSeed, "split", imageId), total);
        for (Split split : ORDER) {
            long weight = weights.get(split);
            if (point < weight) {
                return split;
            }
            point -= weight;
        }
        throw new IllegalStateException("unreachable: point outside the weight total");
    }

    /** Unmodifiable weights in split order. */
    public Map<Split, Long> weights() {
        return weights;
    }

    /** Expected share of images in the split. */
    public double share(Split split) {
        return (double) weights.get(split) / total;
    }

    /** The weights in the form {@link #parse} reads. */
    public String toSpec() {
        return weights.entrySet().stream()
                .map(e -> e.getKey().key() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SplitAssigner other && weights.equals(other.weights);
    }

    @Override
    public int hashCode() {
        return weights.hashCode();
    }

    @Override
    public String toString() {
        return "SplitAssigner[" + toSpec() + "]";
    }
}
