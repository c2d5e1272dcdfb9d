package dev.spavl.responder.simulated;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a reader of a simulated answer must never see: a cut word ("expla" from "explain"), a sentence without a
 * capital or without its final punctuation, a doubled space or punctuation mark, a space before punctuation, a
 * template placeholder, a stray quote. Words must come from the question or from the phrase bank's texts.
 */
final class WholeSentences {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['\u2019][\\p{L}]+)*");
    private static final Pattern SENTENCE_BREAK = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern DOUBLED_PUNCTUATION = Pattern.compile("[,;:.!?]\\s*[,;:.!?]");
    private static final Pattern SPACE_BEFORE_PUNCTUATION = Pattern.compile("\\s[,;:.!?]");

    private final Set<String> bankWords;

    /** @param bankTexts every text the answers are made of apart from the question's words */
    WholeSentences(Iterable<String> bankTexts) {
        Set<String> words = new LinkedHashSet<>();
        for (String t : bankTexts) {
            words.addAll(words(t));
        }
        this.bankWords = Set.copyOf(words);
    }

    /** Every problem of the answer to the question, empty when it reads as whole sentences. */
    List<String> problems(String question, String answer) {
        List<String> out = new ArrayList<>();
        if (answer == null || answer.isBlank()) {
            out.add("blank answer");
            return out;
        }
        for (String sentence : SENTENCE_BREAK.split(answer.strip())) {
            if (!Character.isUpperCase(sentence.codePointAt(0))) {
                out.add("sentence does not start with a capital: '" + sentence + "'");
            }
            if (".!?".indexOf(sentence.charAt(sentence.length() - 1)) < 0) {
                out.add("sentence does not end with . ! or ?: '" + sentence + "'");
            }
        }
        check(out, answer.contains("  "), "doubled space");
        check(out, DOUBLED_PUNCTUATION.matcher(answer).find(), "doubled punctuation");
        check(out, SPACE_BEFORE_PUNCTUATION.matcher(answer).find(), "space before punctuation");
        check(out, answer.contains("{") || answer.contains("}"), "template placeholder");
        check(out, answer.chars().filter(c -> c == '"').count() % 2 != 0, "unbalanced double quote");
        Set<String> asked = new LinkedHashSet<>(words(question));
        for (String w : words(answer)) {
            if (asked.contains(w) || bankWords.contains(w)) {
                continue;
            }
            String cutFrom = asked.stream().filter(q -> q.startsWith(w)).findFirst().orElse(null);
            out.add(cutFrom != null ? "cut word '" + w + "' (from '" + cutFrom + "')"
                    : "word '" + w + "' is neither in the question nor in the phrase bank");
        }
        return out;
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT).replace('\u2019', '\''));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static void check(List<String> out, boolean failed, String problem) {
        if (failed) {
            out.add(problem);
        }
    }
}
