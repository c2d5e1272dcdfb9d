package dev.spavl.taxonomy;

import java.util.List;
import java.util.Objects;

/** A domain (class1) and its categories, in order of first appearance in the file. */
public record Domain(String name, List<Category> categories) {

    public Domain {
        Objects.requireNonNull(name, "name");
        categories = List.copyOf(categories);
    }
}
