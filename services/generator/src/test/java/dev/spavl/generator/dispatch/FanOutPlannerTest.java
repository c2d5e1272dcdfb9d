package dev.spavl.generator.dispatch;

import dev.spavl.events.FanOutMode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FanOutPlannerTest {

    private static final List<String> LIVE = List.of("otter", "lamm", "minigpt-4", "instructblip");

    @Test
    void allSendsToEveryLiveResponderSorted() {
        assertThat(FanOutPlanner.choose(FanOutMode.ALL, null, LIVE, List.of(), 1, "q-1"))
                .containsExactly("instructblip", "lamm", "minigpt-4", "otter");
    }

    @Test
    void targetsRestrictTheCandidates() {
        assertThat(FanOutPlanner.choose(FanOutMode.ALL, null, LIVE, List.of("lamm", "gone-model"), 1, "q-1"))
                .containsExactly("lamm");
    }

    @Test
    void sampleIsDeterministicPerQuestionAndSeed() {
        List<String> a = FanOutPlanner.choose(FanOutMode.SAMPLE, 2, LIVE, List.of(), 42, "q-7");
        List<String> b = FanOutPlanner.choose(FanOutMode.SAMPLE, 2, List.of("otter", "instructblip", "minigpt-4", "lamm"), List.of(), 42, "q-7");
        assertThat(a).hasSize(2).isEqualTo(b);
    }

    @Test
    void sampleSpreadsOverResponders() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            seen.addAll(FanOutPlanner.choose(FanOutMode.SAMPLE, 1, LIVE, List.of(), 42, "q-" + i));
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(LIVE);
    }

    @Test
    void sampleLargerThanTheLiveSetTakesAll() {
        assertThat(FanOutPlanner.choose(FanOutMode.SAMPLE, 9, LIVE, List.of(), 1, "q")).hasSize(4);
    }

    @Test
    void nobodyLiveMeansNobodyChosen() {
        assertThat(FanOutPlanner.choose(FanOutMode.ALL, null, List.of(), List.of(), 1, "q")).isEmpty();
    }
}
