package dev.spavl.packager.pairing;

import dev.spavl.packager.pairing.SplitAssigner.Split;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SplitAssignerTest {

    @Test
    void deterministicPerImageAndSeed() {
        SplitAssigner a = new SplitAssigner(1, 1, 1, 1);
        SplitAssigner b = SplitAssigner.parse("test-help=1,test-harm=1,validation=1,train=1");
        int differByImage = 0;
        int differBySeed = 0;
        for (int i = 0; i < 1_000; i++) {
            String image = "Toxic/hate/" + i + ".jpg";
            assertThat(a.assign(image, 42L)).isEqualTo(a.assign(image, 42L)).isEqualTo(b.assign(image, 42L));
            if (a.assign(image, 42L) != a.assign(image, 43L)) {
                differBySeed++;
            }
            if (a.assign(image, 42L) != a.assign("other-" + i, 42L)) {
                differByImage++;
            }
        }
        assertThat(differBySeed).isGreaterThan(600);
        assertThat(differByImage).isGreaterThan(600);
    }

    @Test
    void anImageIsNeverInTwoSplits() {
        SplitAssigner assigner = new SplitAssigner(5, 3, 1, 1);
        Map<String, Split> splitOf = new HashMap<>();
        // Many questions per image, in any order: every one sees the image's single split.
        for (int question = 0; question < 3; question++) {
            for (int i = 0; i < 5_000; i++) {
                String image = "img-" + i;
                Split split = assigner.assign(image, 7L);
                Split previous = splitOf.putIfAbsent(image, split);
                if (previous != null) {
                    assertThat(split).as(image).isEqualTo(previous);
                }
            }
        }
        assertThat(splitOf.values()).contains(Split.values());
    }

    @Test
    void paperProportionsOverManyImages() {
        SplitAssigner assigner = SplitAssigner.paperProportions();
        assertThat(assigner.weights()).containsExactly(
                Map.entry(Split.TRAIN, 93_258L), Map.entry(Split.VALIDATION, 7_000L),
                Map.entry(Split.TEST_HARM, 265L), Map.entry(Split.TEST_HELP, 265L));
        Map<Split, Integer> counts = count(assigner, 100_000);
        assertThat(share(counts, Split.TRAIN)).isCloseTo(0.9253, within(0.01));
        assertThat(share(counts, Split.VALIDATION)).isCloseTo(0.0695, within(0.005));
        assertThat(share(counts, Split.TEST_HARM)).isCloseTo(0.00263, within(0.001));
        assertThat(share(counts, Split.TEST_HELP)).isCloseTo(0.00263, within(0.001));
        assertThat(assigner.share(Split.TRAIN)).isCloseTo(93_258.0 / 100_788, within(1e-12));
    }

    @Test
    void customProportions() {
        Map<Split, Integer> counts = count(SplitAssigner.parse("train=70,validation=10,test-harm=10,test-help=10"), 100_000);
        assertThat(share(counts, Split.TRAIN)).isCloseTo(0.70, within(0.01));
        assertThat(share(counts, Split.VALIDATION)).isCloseTo(0.10, within(0.01));
        assertThat(share(counts, Split.TEST_HARM)).isCloseTo(0.10, within(0.01));
        assertThat(share(counts, Split.TEST_HELP)).isCloseTo(0.10, within(0.01));
    }

    @Test
    void zeroWeightSplitsGetNothing() {
        Map<Split, Integer> counts = count(SplitAssigner.parse("train=1, validation=1"), 10_000);
        assertThat(counts).doesNotContainKeys(Split.TEST_HARM, Split.TEST_HELP);
        assertThat(count(new SplitAssigner(0, 0, 0, 3), 1_000)).containsOnlyKeys(Split.TEST_HELP);
    }

    @Test
    void parseIsWhitespaceAndCaseTolerantAndRoundTrips() {
        SplitAssigner parsed = SplitAssigner.parse(" TRAIN = 93258 , validation=7000,\ttest_harm=265, test-help=265 ,");
        assertThat(parsed).isEqualTo(SplitAssigner.paperProportions());
        assertThat(SplitAssigner.parse(parsed.toSpec())).isEqualTo(parsed);
        assertThat(parsed.toSpec()).isEqualTo("train=93258,validation=7000,test-harm=265,test-help=265");
    }

    @Test
    void invalidWeightsAreRejected() {
        assertThatThrownBy(() -> new SplitAssigner(-1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("train");
        assertThatThrownBy(() -> new SplitAssigner(0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> new SplitAssigner(Long.MAX_VALUE, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflow");
    }

    @Test
    void parseErrorsNameTheBadEntry() {
        assertThatThrownBy(() -> SplitAssigner.parse("train=9,dev=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dev=1");
        assertThatThrownBy(() -> SplitAssigner.parse("train=nine"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("train=nine");
        assertThatThrownBy(() -> SplitAssigner.parse("train=9,validation=-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validation=-1");
        assertThatThrownBy(() -> SplitAssigner.parse("train"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'train'");
        assertThatThrownBy(() -> SplitAssigner.parse("train=1,train=2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> SplitAssigner.parse("train=0,validation=0"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SplitAssigner.parse(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<Split, Integer> count(SplitAssigner assigner, int images) {
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        for (int i = 0; i < images; i++) {
            counts.merge(assigner.assign("image-" + i, 2024L), 1, Integer::sum);
        }
        return counts;
    }

    private static double share(Map<Split, Integer> counts, Split split) {
        return counts.getOrDefault(split, 0) / (double) counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
