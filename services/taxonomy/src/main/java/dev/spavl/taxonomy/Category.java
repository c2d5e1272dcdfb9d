package dev.spavl.taxonomy;

import java.util.List;
import java.util.Objects;

/** A secondary category (class2) and its leaves, in file order. */
public record Category(String name, List<Leaf> leaves) {

    public Category {
        Objects.requireNonNull(name, "name");
        leaves = List.copyOf(leaves);
    }
}
