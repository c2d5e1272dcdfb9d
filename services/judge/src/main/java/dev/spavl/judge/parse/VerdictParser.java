package dev.spavl.judge.parse;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the pairwise verdict out of free-form judge output.
 *
 * <p>The judge prompt asks for a closing {@code [[A]]}, {@code [[B]]} or {@code [[C]]} (tie).
 * The last such token in the text wins, because judges often quote the answer format or revise
 * their decision before the end. Tolerated: whitespace and markdown emphasis inside or around
 * the brackets, lower-case letters, markdown-escaped brackets ({@code \[\[A\]\]}) and anything
 * after the token. Tokens with any other content ({@code [[D]]}, {@code [[AB]]},
 * {@code [[A or B]]}) and single brackets are not verdicts and are skipped.
 *
 * <p>Stateless; all methods are static and thread-safe.
 */
public final class VerdictParser {

    // Inside the brackets only blanks and markdown emphasis/code markers may surround the letter;
    // NBSP is listed because chat UIs and some tokenizers produce it.
    private static final String FILLER = "[\\s\\u00A0*_`]*";
    private static final Pattern TOKEN =
            Pattern.compile("\\[\\[" + FILLER + "([A-Za-z])" + FILLER + "\\]\\]");

    private VerdictParser() {
    }

    /**
     * @param judgeOutput raw judge text, may be {@code null}
     * @return the last A/B/C verdict token, or empty when there is none
     */
    public static Optional<PairwiseVerdict> parse(String judgeOutput) {
        if (judgeOutput == null || judgeOutput.isBlank()) {
            return Optional.empty();
        }
        // Markdown-aware models escape brackets; after unescaping the token looks ordinary.
        String text = judgeOutput.replace("\\[", "[").replace("\\]", "]");
        Matcher m = TOKEN.matcher(text);
        PairwiseVerdict last = null;
        while (m.find()) {
            PairwiseVerdict v = fromLetter(m.group(1).charAt(0));
            if (v != null) {
                last = v;
            }
        }
        return Optional.ofNullable(last);
    }

    private static PairwiseVerdict fromLetter(char c) {
        return switch (Character.toUpperCase(c)) {
            case 'A' -> PairwiseVerdict.A;
            case 'B' -> PairwiseVerdict.B;
            case 'C' -> PairwiseVerdict.TIE;
            default -> null;
        };
    }
}
