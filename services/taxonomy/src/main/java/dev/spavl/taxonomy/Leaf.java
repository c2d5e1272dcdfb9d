package dev.spavl.taxonomy;

import java.util.List;
import java.util.Objects;

/**
 * One subcategory (class3) with its full path. Names are kept byte-exact, quirks included, because
 * they must match the released data's class1..class3 columns.
 *
 * @param keywords image-search keywords; empty when the taxonomy was loaded without a keywords file
 */
public record Leaf(String class1, String class2, String class3, Provenance provenance, List<String> keywords) {

    public Leaf {
        Objects.requireNonNull(class1, "class1");
        Objects.requireNonNull(class2, "class2");
        Objects.requireNonNull(class3, "class3");
        Objects.requireNonNull(provenance, "provenance");
        keywords = List.copyOf(keywords); // immutable, rejects nulls
    }

    /** {@code class1 > class2 > class3}, for messages and display. */
    public String path() {
        return class1 + " > " + class2 + " > " + class3;
    }
}
