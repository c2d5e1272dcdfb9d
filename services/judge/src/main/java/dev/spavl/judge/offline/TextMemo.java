package dev.spavl.judge.offline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.function.Function;

/**
 * The analysis of a text, kept for the next time the same text comes (bounded by the characters of the texts held,
 * least recently used first out). The offline judge reads a question once for its own label, again for each of its
 * ~12 answers' labels and for both orders of each pair; an answer once for its label and again for every pair it is
 * in. The analyses are pure functions of the text, so a kept one is the one that would be computed: verdicts and
 * labels do not depend on what is kept (OfflineMemoTest compares both ways).
 */
final class TextMemo<V> {

    private final Cache<String, V> kept;
    private final Function<String, V> analysis;

    /** @param maxChars the texts' characters held at most; 0 keeps nothing */
    TextMemo(long maxChars, Function<String, V> analysis) {
        this.analysis = analysis;
        this.kept = maxChars <= 0 ? null
                : Caffeine.newBuilder().maximumWeight(maxChars).weigher((String text, V v) -> text.length() + 1).build();
    }

    V of(String text) {
        return kept == null ? analysis.apply(text) : kept.get(text, analysis);
    }
}
