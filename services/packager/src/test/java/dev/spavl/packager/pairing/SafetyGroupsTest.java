package dev.spavl.packager.pairing;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetyGroupsTest {

    /** Twelve models with distinct rates; m01 safest, m12 least safe. */
    static Map<String, UnsafeTally> twelveModels() {
        Map<String, UnsafeTally> tallies = new HashMap<>();
        for (int i = 1; i <= 12; i++) {
            tallies.put(String.format("m%02d", i), new UnsafeTally(100, i * 5L));
        }
        return tallies;
    }

    @Test
    void unsafeTallyRate() {
        assertThat(new UnsafeTally(0, 0).rate()).isZero();
        assertThat(new UnsafeTally(200, 50).rate()).isEqualTo(0.25);
        assertThat(UnsafeTally.empty().plus(true).plus(false)).isEqualTo(new UnsafeTally(2, 1));
        assertThatThrownBy(() -> new UnsafeTally(1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UnsafeTally(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void twelveModelsIntoFiveGroupsAreSizedThreeThreeTwoTwoTwo() {
        SafetyGroups groups = SafetyGroups.ranked(twelveModels(), 5);

        Map<Integer, List<String>> members = new TreeMap<>(groups.asMap().entrySet().stream()
                .collect(Collectors.groupingBy(Map.Entry::getValue,
                        Collectors.mapping(Map.Entry::getKey, Collectors.toList()))));
        assertThat(members.keySet()).containsExactly(1, 2, 3, 4, 5);
        assertThat(members.values()).extracting(List::size).containsExactly(3, 3, 2, 2, 2);
        assertThat(members.get(1)).containsExactly("m01", "m02", "m03");
        assertThat(members.get(2)).containsExactly("m04", "m05", "m06");
        assertThat(members.get(5)).containsExactly("m11", "m12");
        assertThat(groups.groupNumbers()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void groupSizesDifferByAtMostOne() {
        for (int n = 0; n <= 30; n++) {
            Map<String, UnsafeTally> tallies = new HashMap<>();
            for (int i = 0; i < n; i++) {
                tallies.put("model-" + i, new UnsafeTally(10, i % 10));
            }
            SafetyGroups groups = SafetyGroups.ranked(tallies, 5);
            Map<Integer, Long> sizes = groups.asMap().values().stream()
                    .collect(Collectors.groupingBy(g -> g, Collectors.counting()));
            assertThat(groups.asMap()).hasSize(n);
            assertThat(sizes.keySet()).hasSize(Math.min(n, 5));
            if (n > 0) {
                assertThat(sizes.values().stream().mapToLong(Long::longValue).max().getAsLong()
                        - sizes.values().stream().mapToLong(Long::longValue).min().getAsLong()).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void fewerModelsThanGroupsGivesOneModelPerGroup() {
        Map<String, UnsafeTally> tallies = Map.of(
                "c", new UnsafeTally(10, 9), "a", new UnsafeTally(10, 1), "b", new UnsafeTally(10, 5));
        SafetyGroups groups = SafetyGroups.ranked(tallies, 5);
        assertThat(groups.asMap()).containsExactly(Map.entry("a", 1), Map.entry("b", 2), Map.entry("c", 3));
    }

    @Test
    void equalRatesAreBrokenByModelIdWhateverTheMapOrder() {
        Map<String, UnsafeTally> forward = new LinkedHashMap<>();
        Map<String, UnsafeTally> backward = new LinkedHashMap<>();
        List<String> ids = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");
        ids.forEach(id -> forward.put(id, new UnsafeTally(4, 1)));
        for (int i = ids.size() - 1; i >= 0; i--) {
            backward.put(ids.get(i), new UnsafeTally(8, 2)); // same rate, different counts
        }
        SafetyGroups a = SafetyGroups.ranked(forward, 3);
        SafetyGroups b = SafetyGroups.ranked(backward, 3);
        assertThat(a).isEqualTo(b);
        assertThat(a.asMap()).containsExactly(
                Map.entry("alpha", 1), Map.entry("bravo", 1),
                Map.entry("charlie", 2), Map.entry("delta", 2),
                Map.entry("echo", 3), Map.entry("foxtrot", 3));
    }

    @Test
    void unassessedModelsArePlacedInTheMiddle() {
        Map<String, UnsafeTally> tallies = Map.of(
                "safe", new UnsafeTally(100, 10),
                "unsafe", new UnsafeTally(100, 90),
                "new", UnsafeTally.empty());
        SafetyGroups groups = SafetyGroups.ranked(tallies, 3);
        assertThat(groups.groupOf("safe")).isEqualTo(1);
        assertThat(groups.groupOf("new")).isEqualTo(2);
        assertThat(groups.groupOf("unsafe")).isEqualTo(3);
    }

    @Test
    void rankedRejectsFewerThanOneGroup() {
        assertThatThrownBy(() -> SafetyGroups.ranked(twelveModels(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groups");
    }

    @Test
    void lookups() {
        SafetyGroups groups = SafetyGroups.fixed(Map.of("otter", 5, "qwen-vl-chat", 1));
        assertThat(groups.groupOf("otter")).isEqualTo(5);
        assertThat(groups.find("otter")).contains(5);
        assertThat(groups.find("nobody")).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> groups.groupOf("nobody"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody");
        assertThatThrownBy(() -> groups.asMap().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void fixedRejectsGroupsBelowOneNamingTheModel() {
        assertThatThrownBy(() -> SafetyGroups.fixed(Map.of("otter", 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("otter");
        Map<String, Integer> withNull = new HashMap<>();
        withNull.put("minigpt-4", null);
        assertThatThrownBy(() -> SafetyGroups.fixed(withNull))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minigpt-4");
    }

    @Test
    void parsesAWhitespaceTolerantSpec() {
        SafetyGroups groups = SafetyGroups.parse("  otter = 5 ,llava-1.5-7b=2,\n gemini-pro-vision=1 , ");
        assertThat(groups.asMap()).containsExactly(
                Map.entry("gemini-pro-vision", 1), Map.entry("llava-1.5-7b", 2), Map.entry("otter", 5));
        assertThat(SafetyGroups.parse(groups.toSpec())).isEqualTo(groups);
    }

    @Test
    void parseErrorsNameTheBadEntry() {
        assertThatThrownBy(() -> SafetyGroups.parse("otter=5,llava"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'llava'");
        assertThatThrownBy(() -> SafetyGroups.parse("otter=five"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("otter=five");
        assertThatThrownBy(() -> SafetyGroups.parse("otter=5,lamm=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lamm=0");
        assertThatThrownBy(() -> SafetyGroups.parse("=3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'=3'");
        assertThatThrownBy(() -> SafetyGroups.parse("otter=1=2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("otter=1=2");
        assertThatThrownBy(() -> SafetyGroups.parse("otter=1, otter=2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> SafetyGroups.parse("  "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SafetyGroups.parse(" , "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void priorRankingGroupsThePapersTwelveModelsByTheirReportedRates() {
        Map<String, Double> priors = SafetyGroups.parsePriors("qwen-vl-chat=0.0755,gemini-pro-vision=0.10,internlm-xcomposer=0.2604,"
                + "lamm-sft=0.3208,lamm=0.3283,minigpt-4=0.3832,otter=0.4113,llava-1.5-7b=0.4415,llama-adapter-v2=0.4604,"
                + "instructblip=0.4755,mplug-owl=0.5245,gemini-pro-vision-jb=0.60");
        SafetyGroups groups = SafetyGroups.byPrior(priors, priors.keySet(), 5);

        assertThat(groups.groupOf("qwen-vl-chat")).isEqualTo(1);
        assertThat(groups.groupOf("internlm-xcomposer")).isEqualTo(1);
        assertThat(groups.groupOf("lamm-sft")).isEqualTo(2);
        assertThat(groups.groupOf("mplug-owl")).isEqualTo(5);
        assertThat(groups.groupOf("gemini-pro-vision-jb")).isEqualTo(5);
    }

    @Test
    void priorRankingDependsOnlyOnTheModelsNotOnTheirOrder() {
        Map<String, Double> priors = Map.of("a", 0.1, "b", 0.2, "c", 0.3);
        SafetyGroups one = SafetyGroups.byPrior(priors, List.of("c", "x", "a", "b"), 2);
        SafetyGroups two = SafetyGroups.byPrior(priors, List.of("b", "a", "x", "c"), 2);

        assertThat(one).isEqualTo(two);
        // a model without a prior ranks at 0.5: after every listed model here
        assertThat(one.asMap()).containsExactly(Map.entry("a", 1), Map.entry("b", 1), Map.entry("c", 2), Map.entry("x", 2));
    }

    @Test
    void priorRatesAreSharesAndEachModelIsListedOnce() {
        assertThat(SafetyGroups.parsePriors(" otter = 0.4113 , qwen-vl-chat=0.0755,")).containsEntry("otter", 0.4113).hasSize(2);
        assertThatThrownBy(() -> SafetyGroups.parsePriors("otter=41.13"))
                .hasMessage("bad prior unsafe rate entry 'otter=41.13': a rate is a share within 0..1, not a percentage");
        assertThatThrownBy(() -> SafetyGroups.parsePriors("otter=0.4,otter=0.5"))
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> SafetyGroups.parsePriors("otter=high"))
                .hasMessage("bad prior unsafe rate entry 'otter=high': 'high' is not a number");
        assertThatThrownBy(() -> SafetyGroups.parsePriors("otter="))
                .hasMessageContaining("the number after '=' is empty");
    }
}
