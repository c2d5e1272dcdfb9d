package dev.spavl.judge.offline;

import java.util.Objects;

/**
 * The outcome of one {@link OfflinePairJudge} comparison.
 *
 * @param preference which answer is better, in the order they were given
 * @param rationale  the judge's explanation; always ends with the verdict token of {@code preference}
 *                   ({@code [[A]]}, {@code [[B]]} or {@code [[C]]}), like a real judge model's output
 */
public record OfflineVerdict(Preference preference, String rationale) {

    /** Which answer is better; the token is what a real judge writes last. */
    public enum Preference {
        FIRST("[[A]]"),
        SECOND("[[B]]"),
        TIE("[[C]]");

        private final String token;

        Preference(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        /** The same preference seen with the two answers swapped. */
        public Preference mirrored() {
            return switch (this) {
                case FIRST -> SECOND;
                case SECOND -> FIRST;
                case TIE -> TIE;
            };
        }

        /** Parses the last verdict token of a judge's text, or throws when there is none. */
        public static Preference fromRationale(String text) {
            int a = text.lastIndexOf(FIRST.token);
            int b = text.lastIndexOf(SECOND.token);
            int c = text.lastIndexOf(TIE.token);
            int max = Math.max(a, Math.max(b, c));
            if (max < 0) {
                throw new IllegalArgumentException("no verdict token [[A]], [[B]] or [[C]] in the text");
            }
            return max == a ? FIRST : max == b ? SECOND : TIE;
        }
    }

    public OfflineVerdict {
        Objects.requireNonNull(preference, "preference");
        Objects.requireNonNull(rationale, "rationale");
        if (!rationale.endsWith(preference.token())) {
            throw new IllegalArgumentException("rationale must end with " + preference.token());
        }
    }

    /** {@code [[A]]}, {@code [[B]]} or {@code [[C]]}. */
    public String token() {
        return preference.token();
    }
}
