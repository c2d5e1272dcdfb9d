package dev.spavl.packager.pairing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Immutable mapping of model id to safety group 1..N, where group 1 holds the safest models (lowest
 * unsafe rate). Pairs are drawn across groups so that each pair tends to mix a safer and a less safe
 * answer (SPA-VL step 4, five groups).
 *
 * <p>{@link #asMap()} iterates by group, then by rank within the group ({@link #ranked}) or by model
 * id ({@link #fixed}, {@link #parse}).
 */
public final class SafetyGroups {

    /** Rate assumed for a model with no assessed answer yet ({@link #ranked}) or no prior ({@link #byPrior}): the middle. */
    public static final double UNKNOWN_RATE = 0.5;

    private final Map<String, Integer> groupOf;

    private SafetyGroups(Map<String, Integer> orderedGroupOf) {
        this.groupOf = Collections.unmodifiableMap(orderedGroupOf);
    }

    /**
     * Ranks models by unsafe rate, ascending, and cuts the ranking into {@code groups} groups as
     * evenly as possible: with {@code n} models the first {@code n % groups} groups get one model
     * more (12 models into 5 groups: 3,3,2,2,2). With fewer models than groups each model gets a group
     * of its own, numbered 1..n.
     *
     * <p>Equal rates are ordered by model id so that the grouping never depends on map order. A model
     * with nothing assessed yet is still grouped, at rate {@link #UNKNOWN_RATE} (0.5): early in a
     * run it is neither promoted to the safest group nor demoted to the least safe one on no evidence.
     */
    public static SafetyGroups ranked(Map<String, UnsafeTally> tallies, int groups) {
        Objects.requireNonNull(tallies, "tallies");
        Map<String, Double> rates = new HashMap<>();
        tallies.forEach((model, tally) -> {
            if (model == null || tally == null) {
                throw new IllegalArgumentException("tallies must not hold null model ids or tallies");
            }
            rates.put(model, tally.assessed() == 0 ? UNKNOWN_RATE : tally.rate());
        });
        return byRate(rates, groups);
    }

    /**
     * Ranks the given models by a fixed unsafe rate each ({@code priors}, e.g. the paper's reported HarmEval
     * rates), a model without one at {@link #UNKNOWN_RATE}, and cuts the ranking as {@link #ranked} does. The
     * result depends only on its arguments, never on the order answers or labels arrived in: a run disturbed
     * by a crash pairs exactly as an undisturbed one.
     */
    public static SafetyGroups byPrior(Map<String, Double> priors, Collection<String> models, int groups) {
        Objects.requireNonNull(priors, "priors");
        Map<String, Double> rates = new HashMap<>();
        for (String model : models) {
            if (model == null) {
                throw new IllegalArgumentException("models must not hold null ids");
            }
            rates.put(model, priors.getOrDefault(model, UNKNOWN_RATE));
        }
        return byRate(rates, groups);
    }

    private static SafetyGroups byRate(Map<String, Double> rates, int groups) {
        if (groups < 1) {
            throw new IllegalArgumentException("groups must be >= 1, got " + groups);
        }
        List<Map.Entry<String, Double>> ranking = new ArrayList<>(rates.entrySet());
        ranking.sort(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));

        int n = ranking.size();
        int used = Math.min(groups, n);
        Map<String, Integer> result = new LinkedHashMap<>();
        int index = 0;
        for (int group = 1; group <= used; group++) {
            int size = n / used + (group <= n % used ? 1 : 0);
            for (int i = 0; i < size; i++) {
                result.put(ranking.get(index++).getKey(), group);
            }
        }
        return new SafetyGroups(result);
    }

    /**
     * Parses {@code model=rate} entries, rates as shares 0..1 ({@code qwen-vl-chat=0.0755, otter=0.4113}), for
     * {@link #byPrior}. A model named twice or a rate outside 0..1 is an error quoting the entry.
     */
    public static Map<String, Double> parsePriors(String spec) {
        Map<String, Double> priors = new TreeMap<>();
        for (KeyValueSpec.Entry e : KeyValueSpec.parse(spec, "prior unsafe rate", "model=rate", "qwen-vl-chat=0.0755,otter=0.4113")) {
            double rate = e.decimal();
            if (rate < 0 || rate > 1) {
                throw KeyValueSpec.bad("prior unsafe rate", e.raw(), "a rate is a share within 0..1, not a percentage");
            }
            if (priors.putIfAbsent(e.key(), rate) != null) {
                throw KeyValueSpec.bad("prior unsafe rate", e.raw(), "model '" + e.key() + "' is listed twice");
            }
        }
        return Collections.unmodifiableMap(priors);
    }

    /** A static grouping from configuration; every group number must be >= 1. */
    public static SafetyGroups fixed(Map<String, Integer> groupOf) {
        Objects.requireNonNull(groupOf, "groupOf");
        Map<String, Integer> sorted = new TreeMap<>();
        groupOf.forEach((model, group) -> {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("model id must not be blank (group " + group + ")");
            }
            if (group == null || group < 1) {
                throw new IllegalArgumentException(
                        "safety group of model '" + model + "' must be >= 1, got " + group);
            }
            sorted.put(model, group);
        });
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(sorted.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Integer> ordered = new LinkedHashMap<>();
        entries.forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return new SafetyGroups(ordered);
    }

    /**
     * Parses {@code model=group} entries separated by commas, e.g.
     * {@code otter=5, llava-1.5-7b=2, gemini-pro-vision=1}. Whitespace around names, numbers and
     * commas is ignored, and so are empty entries (a trailing comma). A model named twice is an error.
     */
    public static SafetyGroups parse(String spec) {
        Map<String, Integer> groupOf = new LinkedHashMap<>();
        for (KeyValueSpec.Entry e : KeyValueSpec.parse(spec, "safety group", "model=group", "otter=5,llava-1.5-7b=2")) {
            if (e.value() < 1 || e.value() > Integer.MAX_VALUE) {
                throw KeyValueSpec.bad("safety group", e.raw(), "group must be >= 1");
            }
            if (groupOf.putIfAbsent(e.key(), (int) e.value()) != null) {
                throw KeyValueSpec.bad("safety group", e.raw(), "model '" + e.key() + "' is listed twice");
            }
        }
        return fixed(groupOf);
    }

    /** The model's group; IllegalArgumentException naming the model when the grouping does not know it. */
    public int groupOf(String model) {
        Integer group = groupOf.get(model);
        if (group == null) {
            throw new IllegalArgumentException("model '" + model + "' is in no safety group");
        }
        return group;
    }

    public Optional<Integer> find(String model) {
        return Optional.ofNullable(model == null ? null : groupOf.get(model));
    }

    /** Unmodifiable; iteration order as described on the class. */
    public Map<String, Integer> asMap() {
        return groupOf;
    }

    /** The distinct group numbers in use, ascending. */
    public SortedSet<Integer> groupNumbers() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(groupOf.values()));
    }

    public boolean isEmpty() {
        return groupOf.isEmpty();
    }

    /** The grouping in the form {@link #parse} reads, so a run can record the grouping it used. */
    public String toSpec() {
        return groupOf.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetyGroups other && groupOf.equals(other.groupOf);
    }

    @Override
    public int hashCode() {
        return groupOf.hashCode();
    }

    @Override
    public String toString() {
        return "SafetyGroups[" + toSpec() + "]";
    }
}
