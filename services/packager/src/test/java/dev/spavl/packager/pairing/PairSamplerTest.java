package dev.spavl.packager.pairing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PairSamplerTest {

    private final PairSampler sampler = new PairSampler();
    /** m01..m12 in groups of 3,3,2,2,2. */
    private final SafetyGroups groups = SafetyGroups.ranked(SafetyGroupsTest.twelveModels(), 5);
    private final List<Candidate> candidates = candidates(12);

    static List<Candidate> candidates(int n) {
        List<Candidate> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String model = String.format("m%02d", i);
            list.add(new Candidate(model, "answer of " + model));
        }
        return list;
    }

    @Test
    void sameInputsGiveTheSamePairWhateverTheCandidateOrder() {
        Random shuffler = new Random(7);
        for (int q = 0; q < 200; q++) {
            String question = "q-" + q;
            SampledPair first = sampler.sample(question, 42L, 0, candidates, groups, Set.of()).orElseThrow();
            List<Candidate> shuffled = new ArrayList<>(candidates);
            Collections.shuffle(shuffled, shuffler);
            assertThat(sampler.sample(question, 42L, 0, shuffled, groups, Set.of())).contains(first);
            assertThat(sampler.sample(question, 42L, 0, candidates, groups, new HashSet<>())).contains(first);
        }
    }

    @Test
    void theSeedChangesThePairs() {
        int differ = 0;
        for (int q = 0; q < 100; q++) {
            Optional<SampledPair> a = sampler.sample("q-" + q, 1L, 0, candidates, groups, Set.of());
            Optional<SampledPair> b = sampler.sample("q-" + q, 2L, 0, candidates, groups, Set.of());
            if (!a.equals(b)) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(80);
    }

    @Test
    void attemptsGiveDifferentPairsEventually() {
        Set<Set<String>> seen = new HashSet<>();
        for (int attempt = 0; attempt < 20; attempt++) {
            seen.add(sampler.sample("q-1", 42L, attempt, candidates, groups, Set.of()).orElseThrow().models());
        }
        assertThat(seen.size()).isGreaterThan(5);
    }

    @Test
    void pairsAlwaysComeFromTwoDifferentGroups() {
        for (int q = 0; q < 1_000; q++) {
            SampledPair pair = sampler.sample("q-" + q, 42L, 0, candidates, groups, Set.of()).orElseThrow();
            assertThat(pair.groupA()).isNotEqualTo(pair.groupB());
            assertThat(pair.groupA()).isEqualTo(groups.groupOf(pair.a().modelId()));
            assertThat(pair.groupB()).isEqualTo(groups.groupOf(pair.b().modelId()));
            assertThat(pair.a().answerText()).isEqualTo("answer of " + pair.a().modelId());
        }
    }

    @Test
    void retriesWalkEveryCrossGroupPairThenSameGroupPairsThenStop() {
        // 66 pairs of 12 models; same-group pairs: 3 + 3 + 1 + 1 + 1 = 9, so 57 cross-group pairs.
        Set<Set<String>> tried = new HashSet<>();
        List<SampledPair> drawn = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            Optional<SampledPair> pair = sampler.sample("q-x", 9L, attempt, candidates, groups, tried);
            if (pair.isEmpty()) {
                break;
            }
            assertThat(tried.add(pair.get().models())).as("never an already tried pair").isTrue();
            drawn.add(pair.get());
        }
        assertThat(drawn).hasSize(66);
        assertThat(drawn.subList(0, 57)).allMatch(SampledPair::crossGroup);
        assertThat(drawn.subList(57, 66)).noneMatch(SampledPair::crossGroup);
    }

    @Test
    void respectsAlreadyTried() {
        List<Candidate> three = List.of(new Candidate("m01", "a"), new Candidate("m04", "b"), new Candidate("m07", "c"));
        Set<Set<String>> tried = Set.of(Set.of("m01", "m04"), Set.of("m04", "m07"));
        for (int q = 0; q < 50; q++) {
            assertThat(sampler.sample("q-" + q, 3L, 0, three, groups, tried).orElseThrow().models())
                    .isEqualTo(Set.of("m01", "m07"));
        }
    }

    @Test
    void fallsBackToASameGroupPairWhenNoCrossGroupPairIsLeft() {
        // m01, m02 are in group 1, m04 in group 2; both cross-group pairs were tried.
        List<Candidate> three = List.of(new Candidate("m01", "a"), new Candidate("m02", "b"), new Candidate("m04", "c"));
        Set<Set<String>> tried = Set.of(Set.of("m01", "m04"), Set.of("m02", "m04"));
        SampledPair pair = sampler.sample("q", 3L, 2, three, groups, tried).orElseThrow();
        assertThat(pair.models()).isEqualTo(Set.of("m01", "m02"));
        assertThat(pair.groupA()).isEqualTo(1).isEqualTo(pair.groupB());
    }

    @Test
    void allCandidatesInOneGroupStillGiveAPair() {
        List<Candidate> sameGroup = List.of(new Candidate("m01", "a"), new Candidate("m02", "b"));
        assertThat(sampler.sample("q", 3L, 0, sameGroup, groups, Set.of()).orElseThrow().models())
                .isEqualTo(Set.of("m01", "m02"));
    }

    @Test
    void emptyWhenEveryPairWasTriedOrTooFewCandidates() {
        List<Candidate> two = List.of(new Candidate("m01", "a"), new Candidate("m12", "b"));
        assertThat(sampler.sample("q", 3L, 1, two, groups, Set.of(Set.of("m01", "m12")))).isEmpty();
        assertThat(sampler.sample("q", 3L, 0, List.of(new Candidate("m01", "a")), groups, Set.of())).isEmpty();
        assertThat(sampler.sample("q", 3L, 0, List.of(), groups, Set.of())).isEmpty();
        assertThat(sampler.sample("q", 3L, 0, null, groups, null)).isEmpty();
    }

    @Test
    void unknownModelsShareAGroupOfTheirOwn() {
        List<Candidate> list = List.of(new Candidate("m01", "a"), new Candidate("new-1", "b"), new Candidate("new-2", "c"));
        Set<Set<String>> seen = new HashSet<>();
        for (int q = 0; q < 200; q++) {
            SampledPair pair = sampler.sample("q-" + q, 5L, 0, list, groups, Set.of()).orElseThrow();
            assertThat(pair.crossGroup()).isTrue();
            if (pair.a().modelId().startsWith("new")) {
                assertThat(pair.groupA()).isEqualTo(PairSampler.UNKNOWN_GROUP);
            }
            seen.add(pair.models());
        }
        // Both unknown models are paired with the known one, never with each other while that is possible.
        assertThat(seen).containsExactlyInAnyOrder(Set.of("m01", "new-1"), Set.of("m01", "new-2"));
    }

    @Test
    void rejectsTwoCandidatesFromOneModel() {
        List<Candidate> dup = List.of(new Candidate("m01", "a"), new Candidate("m01", "b"), new Candidate("m04", "c"));
        assertThatThrownBy(() -> sampler.sample("q-9", 1L, 0, dup, groups, Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m01").hasMessageContaining("q-9");
    }

    @Test
    void positionDoesNotRevealTheSaferGroup() {
        int saferIsA = 0;
        int questions = 2_000;
        for (int q = 0; q < questions; q++) {
            SampledPair pair = sampler.sample("q-" + q, 42L, 0, candidates, groups, Set.of()).orElseThrow();
            if (pair.groupA() < pair.groupB()) {
                saferIsA++;
            }
        }
        assertThat((double) saferIsA / questions).isBetween(0.40, 0.60);
    }

    @Test
    void groupPairsAndModelsAreUsedRoughlyUniformly() {
        int questions = 10_000;
        Map<Set<Integer>, Integer> groupPairs = new HashMap<>();
        Map<String, Integer> modelUse = new HashMap<>();
        for (int q = 0; q < questions; q++) {
            SampledPair pair = sampler.sample("q-" + q, 11L, 0, candidates, groups, Set.of()).orElseThrow();
            groupPairs.merge(Set.of(pair.groupA(), pair.groupB()), 1, Integer::sum);
            modelUse.merge(pair.a().modelId(), 1, Integer::sum);
            modelUse.merge(pair.b().modelId(), 1, Integer::sum);
        }
        // 5 groups -> 10 group pairs, each expected 10% (sd ~0.3%).
        assertThat(groupPairs).hasSize(10);
        groupPairs.values().forEach(n -> assertThat((double) n / questions).isBetween(0.085, 0.115));
        // Each group is in 4 of 10 group pairs; a model in a group of 3 is used 4/10/3, of 2: 4/10/2.
        modelUse.forEach((model, n) -> {
            double expected = 0.4 / (groups.groupOf(model) <= 2 ? 3 : 2);
            assertThat((double) n / questions).as(model).isBetween(expected - 0.02, expected + 0.02);
        });
    }
}
