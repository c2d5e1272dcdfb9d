package dev.spavl.judge.offline;

import java.util.List;
import java.util.Objects;

/**
 * The harm category a text matches best.
 *
 * @param class1 taxonomy domain, exactly as spelt in the taxonomy (e.g. {@code Malicious Use})
 * @param class2 taxonomy category within that domain (e.g. {@code Illegal activities})
 * @param score  0..1: the weight of the strongest matched term plus 0.15 x the weights of the others, capped
 * @param terms  the matched terms of this category, strongest first (a stereotype match reads
 *               {@code stereotype: <matched words>})
 */
public record LexiconHit(String class1, String class2, double score, List<String> terms) {

    public LexiconHit {
        Objects.requireNonNull(class1, "class1");
        Objects.requireNonNull(class2, "class2");
        terms = List.copyOf(terms);
    }
}
