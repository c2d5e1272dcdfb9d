package dev.spavl.taxonomy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SPA-VL harm taxonomy (class1 domain -> class2 category -> class3 leaf) loaded from data, so
 * a deployment can replace it without a code change. Immutable and thread-safe.
 *
 * <p>Taxonomy file: tab-separated, header {@code class1 class2 class3 provenance}. Provenance is
 * {@code confirmed}, {@code inferred}, or {@code ;}-separated parts such as
 * {@code confirmed-leaf;inferred-class2}; any inferred part makes the leaf {@link Provenance#INFERRED}.
 * Keywords file: header {@code class1 class2 class3 keyword1 .. keyword6}, one row per leaf.
 */
public final class Taxonomy {

    static final String TAXONOMY_RESOURCE = "spa-vl-taxonomy.tsv";
    static final String KEYWORDS_RESOURCE = "spa-vl-keywords.tsv";
    /** The paper retrieved images per subcategory with six keywords each. */
    public static final int KEYWORDS_PER_LEAF = 6;

    private static final List<String> TAXONOMY_HEADER = List.of("class1", "class2", "class3", "provenance");
    private static final List<String> KEYWORDS_HEADER = List.of("class1", "class2", "class3",
            "keyword1", "keyword2", "keyword3", "keyword4", "keyword5", "keyword6");
    private static final String PART = "(?:leaf|class1|class2|class3)";
    private static final Pattern QUALIFIED_PROVENANCE =
            Pattern.compile("(confirmed|inferred)-" + PART + "(?:-" + PART + ")*");

    private record Key(String class1, String class2, String class3) {
        static Key of(Leaf l) {
            return new Key(l.class1(), l.class2(), l.class3());
        }
    }

    private final String source;
    private final List<Leaf> leaves;
    private final List<Domain> tree;
    private final Map<Key, Leaf> byKey;
    private final Map<Key, String> provenanceText;

    private Taxonomy(String source, List<Leaf> leaves, Map<Key, String> provenanceText) {
        this.source = source;
        this.leaves = List.copyOf(leaves);
        Map<Key, Leaf> index = new HashMap<>();
        leaves.forEach(l -> index.put(Key.of(l), l));
        this.byKey = Map.copyOf(index);
        this.provenanceText = Map.copyOf(provenanceText);
        this.tree = buildTree(this.leaves);
    }

    /** The taxonomy and authored keywords shipped in this jar (53 leaves, 6 keywords each). */
    public static Taxonomy bundled() {
        return Bundled.INSTANCE;
    }

    // Holder idiom: parsed once, lazily, without locking on every call.
    private static final class Bundled {
        static final Taxonomy INSTANCE = parse("bundled:" + TAXONOMY_RESOURCE, resource(TAXONOMY_RESOURCE),
                "bundled:" + KEYWORDS_RESOURCE, resource(KEYWORDS_RESOURCE), "bundled:" + TAXONOMY_RESOURCE);

        private static InputStream resource(String name) {
            InputStream in = Taxonomy.class.getResourceAsStream(name);
            if (in == null) {
                throw new IllegalStateException("resource dev/spavl/taxonomy/" + name + " missing from the classpath");
            }
            return in;
        }
    }

    /** Loads a taxonomy without keywords: every leaf gets an empty keyword list. */
    public static Taxonomy load(Path taxonomyTsv) {
        String name = display(taxonomyTsv);
        return parse(name, open(taxonomyTsv, name), null, null, name);
    }

    /** Loads a taxonomy and its keywords; every leaf must then have exactly six keywords. */
    public static Taxonomy load(Path taxonomyTsv, Path keywordsTsv) {
        Objects.requireNonNull(keywordsTsv, "keywordsTsv (use load(Path) for a taxonomy without keywords)");
        String name = display(taxonomyTsv);
        String kwName = display(keywordsTsv);
        return parse(name, open(taxonomyTsv, name), kwName, open(keywordsTsv, kwName),
                name + " (keywords: " + kwName + ")");
    }

    /** Exact, case-sensitive lookup; names are not trimmed or normalised. */
    public Optional<Leaf> find(String class1, String class2, String class3) {
        return Optional.ofNullable(byKey.get(key(class1, class2, class3)));
    }

    public boolean contains(String class1, String class2, String class3) {
        return byKey.containsKey(key(class1, class2, class3));
    }

    /** All leaves in file order. */
    public List<Leaf> leaves() {
        return leaves;
    }

    /** Domains and categories in order of first appearance; leaves in file order within each. */
    public List<Domain> tree() {
        return tree;
    }

    /** Where this taxonomy came from, e.g. {@code bundled:spa-vl-taxonomy.tsv} or a file path. */
    public String source() {
        return source;
    }

    /**
     * The provenance column exactly as written (e.g. {@code confirmed-leaf;inferred-class2}), which
     * says which part of an {@link Provenance#INFERRED} path was guessed.
     *
     * @throws IllegalArgumentException if the leaf is not in this taxonomy
     */
    public String provenanceText(Leaf leaf) {
        String text = provenanceText.get(Key.of(leaf));
        if (text == null) {
            throw new IllegalArgumentException("leaf not in this taxonomy: " + leaf.path());
        }
        return text;
    }

    @Override
    public String toString() {
        return "Taxonomy[" + source + ", " + leaves.size() + " leaves]";
    }

    private static Key key(String class1, String class2, String class3) {
        return new Key(Objects.requireNonNull(class1, "class1"), Objects.requireNonNull(class2, "class2"),
                Objects.requireNonNull(class3, "class3"));
    }

    private static String display(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    private static InputStream open(Path p, String name) {
        try {
            // read eagerly: nothing stays open if the second file turns out to be unreadable
            return new ByteArrayInputStream(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + ": " + e, e);
        }
    }

    private static Taxonomy parse(String taxName, InputStream taxIn, String kwName, InputStream kwIn, String source) {
        try (kwIn) {
            List<TsvReader.Row> rows = TsvReader.read(taxName, taxIn, TAXONOMY_HEADER, "");
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(taxName + ": no leaves (only a header)");
            }
            Map<Key, Integer> lineOf = new LinkedHashMap<>();
            Map<Key, Provenance> provenance = new HashMap<>();
            Map<Key, String> provenanceText = new HashMap<>();
            for (TsvReader.Row row : rows) {
                Key k = new Key(row.get(0), row.get(1), row.get(2));
                Integer first = lineOf.putIfAbsent(k, row.line());
                if (first != null) {
                    throw TsvReader.error(taxName, row.line(), "duplicate leaf '" + path(k)
                            + "' (first defined on line " + first + ")");
                }
                String raw = row.get(3);
                Provenance p = parseProvenance(raw);
                if (p == null) {
                    throw TsvReader.error(taxName, row.line(), "unknown provenance '" + raw
                            + "': expected 'confirmed', 'inferred' or parts like 'confirmed-leaf;inferred-class2'");
                }
                provenance.put(k, p);
                provenanceText.put(k, raw);
            }

            Map<Key, List<String>> keywords = kwIn == null ? Map.of() : parseKeywords(kwName, kwIn, taxName, lineOf);

            List<Leaf> leaves = new ArrayList<>(lineOf.size());
            lineOf.keySet().forEach(k -> leaves.add(new Leaf(k.class1(), k.class2(), k.class3(),
                    provenance.get(k), keywords.getOrDefault(k, List.of()))));
            return new Taxonomy(source, leaves, provenanceText);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only from closing kwIn
        }
    }

    private static Map<Key, List<String>> parseKeywords(String kwName, InputStream kwIn, String taxName,
                                                        Map<Key, Integer> taxLineOf) {
        List<TsvReader.Row> rows = TsvReader.read(kwName, kwIn, KEYWORDS_HEADER,
                ": each leaf needs exactly " + KEYWORDS_PER_LEAF + " keywords");
        Map<Key, List<String>> result = new HashMap<>();
        Map<Key, Integer> lineOf = new HashMap<>();
        for (TsvReader.Row row : rows) {
            Key k = new Key(row.get(0), row.get(1), row.get(2));
            if (!taxLineOf.containsKey(k)) {
                throw TsvReader.error(kwName, row.line(), "keywords for a leaf not in the taxonomy: '"
                        + path(k) + "'" + nearMatch(k, taxLineOf.keySet()));
            }
            Integer first = lineOf.putIfAbsent(k, row.line());
            if (first != null) {
                throw TsvReader.error(kwName, row.line(), "duplicate keywords row for leaf '" + path(k)
                        + "' (first on line " + first + ")");
            }
            List<String> kws = row.fields().subList(3, row.fields().size());
            Set<String> seen = new HashSet<>();
            for (String kw : kws) {
                // case-insensitive: "Fake ID" and "fake id" retrieve the same images
                if (!seen.add(kw.toLowerCase(Locale.ROOT))) {
                    throw TsvReader.error(kwName, row.line(), "duplicate keyword '" + kw + "' for leaf '" + path(k) + "'");
                }
            }
            result.put(k, List.copyOf(kws));
        }
        for (Map.Entry<Key, Integer> e : taxLineOf.entrySet()) {
            if (!result.containsKey(e.getKey())) {
                throw new IllegalArgumentException(kwName + ": no keywords row for leaf '" + path(e.getKey())
                        + "' (" + taxName + " line " + e.getValue() + "); every leaf needs exactly "
                        + KEYWORDS_PER_LEAF + " keywords when a keywords file is given");
            }
        }
        return result;
    }

    /** Returns null for an unknown value. */
    static Provenance parseProvenance(String raw) {
        switch (raw) {
            case "confirmed":
                return Provenance.CONFIRMED;
            case "inferred":
                return Provenance.INFERRED;
            default:
                boolean inferred = false;
                for (String part : raw.split(";", -1)) {
                    var m = QUALIFIED_PROVENANCE.matcher(part);
                    if (!m.matches()) {
                        return null;
                    }
                    inferred |= m.group(1).equals("inferred");
                }
                return inferred ? Provenance.INFERRED : Provenance.CONFIRMED;
        }
    }

    // A hint for the commonest hand-editing mistake: wrong case or stray spaces in a name.
    private static String nearMatch(Key k, Set<Key> known) {
        for (Key c : known) {
            if (loose(c.class1()).equals(loose(k.class1())) && loose(c.class2()).equals(loose(k.class2()))
                    && loose(c.class3()).equals(loose(k.class3()))) {
                return " (did you mean '" + path(c) + "'? names must match exactly)";
            }
        }
        return "";
    }

    private static String loose(String s) {
        return s.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    }

    private static String path(Key k) {
        return k.class1() + " > " + k.class2() + " > " + k.class3();
    }

    private static List<Domain> buildTree(List<Leaf> leaves) {
        Map<String, Map<String, List<Leaf>>> grouped = new LinkedHashMap<>();
        for (Leaf l : leaves) {
            grouped.computeIfAbsent(l.class1(), d -> new LinkedHashMap<>())
                    .computeIfAbsent(l.class2(), c -> new ArrayList<>())
                    .add(l);
        }
        List<Domain> domains = new ArrayList<>();
        grouped.forEach((domain, categories) -> {
            List<Category> cs = new ArrayList<>();
            categories.forEach((category, ls) -> cs.add(new Category(category, ls)));
            domains.add(new Domain(domain, cs));
        });
        return List.copyOf(domains);
    }
}
