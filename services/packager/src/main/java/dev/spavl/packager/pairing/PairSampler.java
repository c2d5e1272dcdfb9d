package dev.spavl.packager.pairing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Draws the pair of answers to be judged for a question (SPA-VL step 4): two models from two
 * different safety groups, so that a pair tends to contrast a safer and a less safe answer.
 *
 * <p>Reproducible: the random source is a {@link SplittableRandom} seeded with
 * {@link StableHash#of}{@code (runSeed, "pair", questionId, attempt)}, and candidates are sorted by
 * model id before any draw, so the same inputs give the same pair whatever the order of the list.
 * Each attempt of a question gets its own stream, so a retry after an inconsistent/tie/invalid
 * verdict is also reproducible.
 *
 * <p>Draw: a pair of distinct groups uniformly among the group pairs present that still have an
 * untried model pair, then a model pair uniformly among the untried ones of those two groups (with
 * nothing tried yet this is a model drawn uniformly within each group). Which answer is shown as A
 * is a fair coin, so the position never tells the judge which group an answer came from.
 *
 * <p>Fallback: when every cross-group pair has been tried (or all candidates are in one group), a
 * pair from within one group is drawn the same way (group uniformly, then untried pair uniformly),
 * since a same-group comparison still yields a preference; only when every pair has been tried is
 * the result empty and the question unresolved.
 *
 * <p>Models unknown to the grouping share the extra group {@link #UNKNOWN_GROUP} (0) rather than
 * failing the question: a model added to a run after a static grouping was configured still
 * answers, and is paired against every known group.
 *
 * <p>Stateless and thread-safe.
 */
public final class PairSampler {

    /** Group number reported for models the {@link SafetyGroups} do not know (known groups are >= 1). */
    public static final int UNKNOWN_GROUP = 0;

    private static final Comparator<Candidate> BY_MODEL = Comparator.comparing(Candidate::modelId);

    /**
     * @param alreadyTried unordered model-id pairs (two-element sets) already judged for this
     *                     question; null is read as none
     * @return the pair to judge, or empty when fewer than two candidates or every pair was tried
     * @throws IllegalArgumentException when two candidates share a model id (one answer per model)
     */
    public Optional<SampledPair> sample(String questionId, long runSeed, int attempt, List<Candidate> candidates,
                                        SafetyGroups groups, Set<Set<String>> alreadyTried) {
        if (questionId == null) {
            throw new IllegalArgumentException("questionId must not be null");
        }
        if (groups == null) {
            throw new IllegalArgumentException("groups must not be null");
        }
        if (candidates == null || candidates.size() < 2) {
            return Optional.empty();
        }
        Set<Set<String>> tried = alreadyTried == null ? Set.of() : alreadyTried;

        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(BY_MODEL);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).modelId().equals(sorted.get(i - 1).modelId())) {
                throw new IllegalArgumentException(
                        "question " + questionId + " has two candidates from model '" + sorted.get(i).modelId() + "'");
            }
        }

        // TreeMap: groups in ascending order, members in model-id order, so draws are order independent.
        Map<Integer, List<Candidate>> byGroup = new TreeMap<>();
        for (Candidate c : sorted) {
            int group = groups.find(c.modelId()).orElse(UNKNOWN_GROUP);
            byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(c);
        }
        List<Integer> present = new ArrayList<>(byGroup.keySet());

        List<List<Pair>> crossGroup = new ArrayList<>();
        for (int i = 0; i < present.size(); i++) {
            for (int j = i + 1; j < present.size(); j++) {
                List<Pair> open = untried(byGroup, present.get(i), present.get(j), tried);
                if (!open.isEmpty()) {
                    crossGroup.add(open);
                }
            }
        }
        List<List<Pair>> buckets = crossGroup;
        if (buckets.isEmpty()) {
            List<List<Pair>> sameGroup = new ArrayList<>();
            for (int g : present) {
                List<Pair> open = untried(byGroup, g, g, tried);
                if (!open.isEmpty()) {
                    sameGroup.add(open);
                }
            }
            buckets = sameGroup;
        }
        if (buckets.isEmpty()) {
            return Optional.empty();
        }

        SplittableRandom rng = new SplittableRandom(
                StableHash.of(runSeed, "pair", questionId, Integer.toString(attempt)));
        List<Pair> bucket = buckets.get(rng.nextInt(buckets.size()));
        Pair chosen = bucket.get(rng.nextInt(bucket.size()));
        return Optional.of(rng.nextBoolean()
                ? new SampledPair(chosen.x, chosen.y, chosen.groupX, chosen.groupY)
                : new SampledPair(chosen.y, chosen.x, chosen.groupY, chosen.groupX));
    }

    /** Untried pairs with one model from group g and one from h (two distinct models when g == h). */
    private static List<Pair> untried(Map<Integer, List<Candidate>> byGroup, int g, int h, Set<Set<String>> tried) {
        List<Candidate> left = byGroup.get(g);
        List<Candidate> right = byGroup.get(h);
        List<Pair> open = new ArrayList<>();
        for (int i = 0; i < left.size(); i++) {
            for (int j = g == h ? i + 1 : 0; j < right.size(); j++) {
                Candidate x = left.get(i);
                Candidate y = right.get(j);
                if (!tried.contains(Set.of(x.modelId(), y.modelId()))) {
                    open.add(new Pair(x, y, g, h));
                }
            }
        }
        return open;
    }

    private record Pair(Candidate x, Candidate y, int groupX, int groupY) {
    }
}
