package dev.spavl.judge.offline;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text's hand-written scans must give what the library calls they replaced (issue 21) would: {@link Text#words} the
 * matches of {@link Text#WORD}, {@link Text#fmt} {@code String.format("%.2f")}. Labels, verdicts and rationales are
 * built from them, so any difference would change the dataset.
 */
class TextTest {

    /** Letters, digits and numbers of several scripts, apostrophes, marks, surrogate pairs, punctuation, spaces. */
    private static final String ALPHABET = "abcxyzABC019 '’`-_.,;:!?\"()\t\néüßçøÆ漢字كتابкниг٣४Ⅻ½²⁴" // letters and numbers
            + "\u0301\u200d\u00a0" // a combining mark, a zero-width joiner, a no-break space
            + "\uD835\uDC00\uD83D\uDE00\uD800"; // a mathematical letter and an emoji (surrogate pairs), a lone surrogate

    @Test
    void wordsAreTheMatchesOfTheWordPattern() {
        List<String> texts = new ArrayList<>(List.of("", "it's", "it's2go", "o'clock's", "'quoted'", "rock'n'roll",
                "don't' stop", "x''y", "42nd", "CAN’T STOP", "ﬁne ｆｕｌｌ", "l'été", "a'1", "end'"));
        texts.addAll(OfflineRationaleSentencesTest.TEMPLATES);
        texts.addAll(Fixtures.REFUSALS);
        SplittableRandom random = new SplittableRandom(21);
        int[] cps = ALPHABET.codePoints().toArray();
        for (int k = 0; k < 20_000; k++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(1, 24);
            for (int i = 0; i < len; i++) {
                b.appendCodePoint(cps[random.nextInt(cps.length)]);
            }
            texts.add(b.toString());
        }
        for (String text : texts) {
            assertThat(Text.words(text)).as("words of [%s]", text).isEqualTo(byPattern(text));
        }
    }

    private static List<String> byPattern(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = Text.WORD.matcher(Text.normalize(text));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    @Test
    void twoDecimalsAsTheFormatterWritesThem() {
        List<Double> values = new ArrayList<>(List.of(0.0, -0.0, 1.0, 0.005, 0.015, 0.125, 0.135, 0.145, 0.995,
                0.994999, 1.005, 2.675, -0.001, -0.005, -0.125, 1e-9, 123456.785, 0.45 * 0.9, 0.35 + 0.15 * 0.45,
                Double.MIN_VALUE, 1e17, Double.NaN, Double.POSITIVE_INFINITY));
        SplittableRandom random = new SplittableRandom(7);
        for (int k = 0; k < 200_000; k++) {
            values.add(random.nextDouble());
            // values on and next to a half-way third decimal, where rounding could differ
            double half = (random.nextInt(2000) + 0.5) / 1000;
            values.add(half);
            values.add(Math.nextUp(half));
            values.add(Math.nextDown(half));
            values.add(random.nextDouble(-2, 2) * random.nextDouble());
        }
        for (double v : values) {
            assertThat(Text.fmt(v)).as("fmt(%s)", v).isEqualTo(String.format(Locale.ROOT, "%.2f", v));
        }
    }
}
