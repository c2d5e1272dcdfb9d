package dev.spavl.judge.offline;

import dev.spavl.taxonomy.Leaf;
import dev.spavl.taxonomy.Taxonomy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Harm vocabulary per taxonomy category (class1 domain / class2 category), built from the taxonomy itself plus a
 * small curated, versioned resource ({@value #V1}).
 *
 * <p>From the taxonomy, for every leaf: its class3 name (weight {@value #CLASS3_WEIGHT}), each image-search
 * keyword as a whole phrase ({@value #PHRASE_WEIGHT}), each pair of adjacent keyword words
 * ({@value #PAIR_WEIGHT}) and each single keyword word ({@value #WORD_WEIGHT}), except words the resource lists
 * as neutral picture words ("street", "phone", "table"). The keywords were written to find images, so they mostly
 * name topics; the resource adds the harm vocabulary per category ("launder", "break into", "hack into",
 * "without getting caught") with its own weights, and the group and trait words of the stereotype check.
 *
 * <p>Matching is on whole words, case-insensitive, after light stemming (plurals, -ing, -ed), so "launder" finds
 * "laundering", "break into" finds "broke into" and "hate" does not find "hat" or "whatever". Multi-word terms
 * match consecutive words. A category's score is its strongest term's weight plus 0.15 x the other matched
 * terms' weights, capped at 1: one strong term decides, topic words alone stay low. A sentence where a group
 * ("immigrants", "women") is generalised with a trait ("are lazy", "are bad at") adds a stereotype match to the
 * resource's stereotype category. Words inside a benign collocation of the resource ("kill the process", "photo
 * shoot", "drug store") are not harm evidence. Immutable and thread-safe.
 */
public final class HarmLexicon {

    /** Classpath resource of the curated terms used by {@link #bundled()}. */
    public static final String V1 = "dev/spavl/judge/offline/harm-lexicon-v1.txt";

    static final double CLASS3_WEIGHT = 0.45;
    static final double PHRASE_WEIGHT = 0.7;
    static final double PAIR_WEIGHT = 0.45;
    static final double WORD_WEIGHT = 0.35;
    static final double DEFAULT_CURATED_WEIGHT = 0.8;
    static final double OTHERS_FACTOR = 0.15;

    private static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "on", "in", "with", "at", "of",
            "and", "or", "by", "to", "from", "your", "be", "are", "is", "while", "without", "into", "over", "under",
            "out", "up", "off", "own", "using", "for", "as", "next");
    private static final String GENERALISING = "(?:are|is|were|was|should|shouldn't|should not|can't|cannot|"
            + "can not|don't|do not|never|always|tend to|all|will|must|seem|seem to be|just|really|simply|"
            + "are just|are all|are naturally|are born)";
    private static final String EDGE_L = "(?<![\\p{L}\\p{N}])";
    private static final String EDGE_R = "(?![\\p{L}\\p{N}])";

    /** A category of the taxonomy; {@code order} keeps taxonomy order for ties. */
    private record Cat(String class1, String class2, int order) {
    }

    /** One matchable term and its weight in each category it belongs to. */
    private static final class Term {
        final String text;
        final List<Text.Token> tokens;
        final Map<Cat, Double> weights = new LinkedHashMap<>();

        Term(String text, List<Text.Token> tokens) {
            this.text = text;
            this.tokens = tokens;
        }

        boolean matchesAt(List<Text.Token> words, int start) {
            if (start + tokens.size() > words.size()) {
                return false;
            }
            for (int k = 0; k < tokens.size(); k++) {
                if (!words.get(start + k).matches(tokens.get(k))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final String version;
    private final String source;
    private final Map<String, List<Term>> index;
    private final Map<String, List<Term>> benignIndex;
    private final int termCount;
    private final Pattern stereotype;
    /**
     * The groups' and the traits' leading runs of letters and digits ("asylum" of "asylum seekers"), null when one
     * starts with a sign: every stereotype match holds a group and a trait, each starting a run of the text, and
     * starts with one of them ({@link #stereotypes}).
     */
    private final Set<String> groupLeads;
    private final Set<String> traitLeads;
    private final Cat stereotypeCategory;
    private final double stereotypeWeight;

    private HarmLexicon(String version, String source, Map<String, List<Term>> index,
                        Map<String, List<Term>> benignIndex, int termCount,
                        Pattern stereotype, Set<String> groupLeads, Set<String> traitLeads, Cat stereotypeCategory,
                        double stereotypeWeight) {
        this.version = version;
        this.source = source;
        this.index = index;
        this.benignIndex = benignIndex;
        this.termCount = termCount;
        this.stereotype = stereotype;
        this.groupLeads = groupLeads;
        this.traitLeads = traitLeads;
        this.stereotypeCategory = stereotypeCategory;
        this.stereotypeWeight = stereotypeWeight;
    }

    /** The bundled taxonomy with the {@value #V1} resource, built once. */
    public static HarmLexicon bundled() {
        return Bundled.INSTANCE;
    }

    private static final class Bundled {
        static final HarmLexicon INSTANCE = load(Taxonomy.bundled(), V1);
    }

    /**
     * Builds a lexicon from a taxonomy and a curated resource on the classpath. Fails with the resource name and
     * line when a section names a category the taxonomy does not have, or a line cannot be read.
     */
    public static HarmLexicon load(Taxonomy taxonomy, String resource) {
        Objects.requireNonNull(taxonomy, "taxonomy");
        Objects.requireNonNull(resource, "resource");
        ClassLoader cl = HarmLexicon.class.getClassLoader();
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("harm lexicon resource not found on the classpath: " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return parse(taxonomy, resource, r.lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read harm lexicon " + resource, e);
        }
    }

    /** Builds a lexicon from a taxonomy and the lines of a curated resource (same format as {@value #V1}). */
    public static HarmLexicon parse(Taxonomy taxonomy, String name, List<String> lines) {
        Map<String, Cat> cats = new LinkedHashMap<>();
        for (Leaf leaf : taxonomy.leaves()) {
            cats.computeIfAbsent(catKey(leaf.class1(), leaf.class2()),
                    k -> new Cat(leaf.class1(), leaf.class2(), cats.size()));
        }

        // pass 1: the resource
        Map<String, String> settings = new HashMap<>();
        Set<String> ignore = new HashSet<>();
        List<String> groups = new ArrayList<>();
        List<String> traits = new ArrayList<>();
        List<String> benign = new ArrayList<>();
        record Curated(Cat cat, String term, double weight) {
        }
        List<Curated> curated = new ArrayList<>();
        String section = null;
        Cat current = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                current = null;
                if (section.contains(">")) {
                    String[] parts = section.split(">", 2);
                    current = cats.get(catKey(parts[0].strip(), parts[1].strip()));
                    if (current == null) {
                        throw error(name, lineNo, "section [" + section + "] names no class1 > class2 of the taxonomy "
                                + "(" + taxonomy.source() + "); names must match exactly");
                    }
                } else if (!Set.of("settings", "ignore", "groups", "traits", "benign").contains(section)) {
                    throw error(name, lineNo, "unknown section [" + section + "]");
                }
                continue;
            }
            if (section == null) {
                throw error(name, lineNo, "text before the first [section]");
            }
            switch (section) {
                case "settings" -> {
                    int eq = line.indexOf('=');
                    if (eq < 0) {
                        throw error(name, lineNo, "expected key = value");
                    }
                    settings.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
                case "ignore" -> {
                    for (String w : line.split("\\s+")) {
                        ignore.add(Text.stem(w.toLowerCase(Locale.ROOT)).key());
                    }
                }
                case "groups" -> groups.add(line.toLowerCase(Locale.ROOT));
                case "traits" -> traits.add(line.toLowerCase(Locale.ROOT));
                case "benign" -> benign.add(line);
                default -> {
                    String term = line;
                    double weight = DEFAULT_CURATED_WEIGHT;
                    int bar = line.lastIndexOf('|');
                    if (bar >= 0) {
                        term = line.substring(0, bar).strip();
                        try {
                            weight = Double.parseDouble(line.substring(bar + 1).strip());
                        } catch (NumberFormatException e) {
                            throw error(name, lineNo, "weight is not a number: " + line.substring(bar + 1).strip());
                        }
                        if (weight <= 0 || weight > 1) {
                            throw error(name, lineNo, "weight must be in (0, 1]: " + weight);
                        }
                    }
                    if (Text.tokens(term).isEmpty()) {
                        throw error(name, lineNo, "term has no words: " + line);
                    }
                    curated.add(new Curated(current, term, weight));
                }
            }
        }
        String version = settings.get("version");
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException(name + ": [settings] version is missing");
        }

        // pass 2: terms, merged by their stems so "launder" and "laundering" are one term
        Map<String, Term> terms = new LinkedHashMap<>();
        // curated first, so that a merged term is shown in its curated wording ("bomb", not "bombed")
        for (Curated c : curated) {
            add(terms, c.term, c.cat, c.weight);
        }
        for (Leaf leaf : taxonomy.leaves()) {
            Cat cat = cats.get(catKey(leaf.class1(), leaf.class2()));
            add(terms, leaf.class3(), cat, CLASS3_WEIGHT);
            for (String keyword : leaf.keywords()) {
                List<String> words = Text.words(keyword);
                if (words.size() > 1) {
                    add(terms, keyword, cat, PHRASE_WEIGHT);
                }
                for (int k = 0; k < words.size(); k++) {
                    String w = words.get(k);
                    if (usable(w, ignore)) {
                        add(terms, w, cat, WORD_WEIGHT);
                    }
                    if (k + 1 < words.size() && words.size() > 2) {
                        String next = words.get(k + 1);
                        boolean content = !FUNCTION_WORDS.contains(w) && !FUNCTION_WORDS.contains(next);
                        if (content && (usable(w, ignore) || usable(next, ignore))) {
                            add(terms, w + " " + next, cat, PAIR_WEIGHT);
                        }
                    }
                }
            }
        }
        Map<String, List<Term>> index = new HashMap<>();
        for (Term t : terms.values()) {
            index.computeIfAbsent(t.tokens.get(0).key(), k -> new ArrayList<>()).add(t);
        }
        Map<String, List<Term>> benignIndex = new HashMap<>();
        for (String phrase : benign) {
            List<Text.Token> tokens = Text.tokens(phrase);
            if (!tokens.isEmpty()) {
                benignIndex.computeIfAbsent(tokens.get(0).key(), k -> new ArrayList<>())
                        .add(new Term(phrase.toLowerCase(Locale.ROOT), tokens));
            }
        }

        Pattern stereotype = null;
        Cat stereotypeCat = null;
        double stereotypeWeight = 0;
        String target = settings.get("stereotype-category");
        if (target != null && !groups.isEmpty() && !traits.isEmpty()) {
            String[] parts = target.split(">", 2);
            stereotypeCat = parts.length == 2 ? cats.get(catKey(parts[0].strip(), parts[1].strip())) : null;
            if (stereotypeCat == null) {
                throw new IllegalArgumentException(name + ": stereotype-category '" + target
                        + "' is no class1 > class2 of the taxonomy");
            }
            stereotypeWeight = Double.parseDouble(settings.getOrDefault("stereotype-weight", "0.75"));
            String g = alternation(groups);
            String t = alternation(traits);
            // group + generalising verb + trait ("women are bad at"), group + verb-like trait ("immigrants
            // ruining"), or trait + group ("lazy immigrants"); a trait after an unrelated verb does not count
            stereotype = Pattern.compile(EDGE_L + "(?:" + g + ")" + EDGE_R + "(?:\\s+[\\p{L}\\p{N}'-]+){0,3}?\\s+"
                    + GENERALISING + "(?:\\s+[\\p{L}\\p{N}'-]+){0,2}?\\s+(?:" + t + ")" + EDGE_R
                    + "|" + EDGE_L + "(?:" + g + ")\\s+(?:" + t + ")" + EDGE_R
                    + "|" + EDGE_L + "(?:" + t + ")\\s+(?:" + g + ")" + EDGE_R);
        }
        Set<String> groupLeads = stereotype == null ? null : leads(groups);
        Set<String> traitLeads = stereotype == null ? null : leads(traits);
        return new HarmLexicon(version, name, index, benignIndex, terms.size(), stereotype, groupLeads, traitLeads,
                stereotypeCat, stereotypeWeight);
    }

    /** E.g. {@code harm-lexicon-v1}. */
    public String version() {
        return version;
    }

    /** Number of distinct terms (taxonomy-derived and curated, merged by stem). */
    public int size() {
        return termCount;
    }

    /** The category with the highest score, if any term matched. */
    public Optional<LexiconHit> strongestMatch(String text) {
        List<LexiconHit> all = matches(text);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /**
     * Every matching category, best first: higher score, then higher score of its whole domain, then more
     * matched terms, then taxonomy order.
     */
    public List<LexiconHit> matches(String text) {
        Map<Cat, Map<String, Double>> byCat = new LinkedHashMap<>();
        for (Match m : find(text)) {
            for (Map.Entry<Cat, Double> e : m.weights.entrySet()) {
                byCat.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).merge(m.text, e.getValue(), Math::max);
            }
        }
        if (byCat.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, Double>> byDomain = new HashMap<>();
        byCat.forEach((cat, ts) -> ts.forEach((t, w) ->
                byDomain.computeIfAbsent(cat.class1, d -> new HashMap<>()).merge(t, w, Math::max)));
        record Ranked(Cat cat, double score, double domainScore, List<String> terms) {
        }
        List<Ranked> ranked = new ArrayList<>();
        byCat.forEach((cat, ts) -> ranked.add(new Ranked(cat, score(ts.values()),
                score(byDomain.get(cat.class1).values()),
                ts.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                        .map(Map.Entry::getKey).toList())));
        ranked.sort(Comparator.comparingDouble(Ranked::score).reversed()
                .thenComparing(Comparator.comparingDouble(Ranked::domainScore).reversed())
                .thenComparing(Comparator.comparingInt((Ranked r) -> r.terms.size()).reversed())
                .thenComparingInt(r -> r.cat.order));
        return ranked.stream().map(r -> new LexiconHit(r.cat.class1, r.cat.class2, r.score, r.terms)).toList();
    }

    /** The distinct terms found anywhere in the text, whatever their category (for "how much harm" counts). */
    public Set<String> matchedTerms(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (Match m : find(text)) {
            out.add(m.text);
        }
        return out;
    }

    @Override
    public String toString() {
        return "HarmLexicon[" + version + ", " + termCount + " terms, " + source + "]";
    }

    private record Match(String text, Map<Cat, Double> weights) {
    }

    private List<Match> find(String text) {
        List<Match> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        List<Text.Token> words = Text.tokens(text);
        // words inside a benign collocation ("kill the process", "photo shoot") are not harm evidence
        boolean[] benign = new boolean[words.size()];
        for (int i = 0; i < words.size(); i++) {
            for (Term b : benignIndex.getOrDefault(words.get(i).key(), List.of())) {
                if (b.matchesAt(words, i)) {
                    for (int k = i; k < i + b.tokens.size(); k++) {
                        benign[k] = true;
                    }
                }
            }
        }
        Set<Term> seen = new HashSet<>();
        for (int i = 0; i < words.size(); i++) {
            List<Term> candidates = index.get(words.get(i).key());
            if (candidates == null) {
                continue;
            }
            for (Term t : candidates) {
                if (!seen.contains(t) && t.matchesAt(words, i) && !covered(benign, i, t.tokens.size())) {
                    seen.add(t);
                    out.add(new Match(t.text, t.weights));
                }
            }
        }
        if (stereotype != null) {
            Set<String> found = new LinkedHashSet<>();
            for (String s : stereotypes(Text.normalize(text))) {
                found.add("stereotype: " + s);
            }
            for (String s : found) {
                out.add(new Match(s, Map.of(stereotypeCategory, stereotypeWeight)));
            }
        }
        return out;
    }

    /** The stereotype pattern, null without groups and traits (tests compare the shortcut against running it). */
    Pattern stereotypePattern() {
        return stereotype;
    }

    /**
     * The stereotype pattern's matches in the (normalised) text, as {@link Matcher#find} would list them, but tried
     * only where one can start. The pattern (every group and trait in three alternations behind a look-behind) is
     * costly to try at every character, and most texts have no group or no trait: a match starts at a group or a
     * trait (branches 1-2 and 3), each of which starts a run of letters and digits after a non-word character; so
     * the pattern is tried, from the left, only at runs that lead a group or a trait, with transparent bounds so
     * its look-arounds see the whole text (HarmLexiconTest compares with the pattern run alone).
     */
    private List<String> stereotypes(String normalized) {
        List<String> out = new ArrayList<>();
        Matcher m = stereotype.matcher(normalized);
        if (groupLeads == null || traitLeads == null) {
            while (m.find()) {
                out.add(m.group());
            }
            return out;
        }
        // one pass over the runs: where a match may start, and whether the text has a group and a trait at all
        List<Integer> starts = new ArrayList<>();
        boolean group = false;
        boolean trait = false;
        for (Text.Run r : Text.runs(normalized)) {
            boolean isGroup = groupLeads.contains(r.text());
            boolean isTrait = traitLeads.contains(r.text());
            if (isGroup || isTrait) {
                starts.add(r.start());
            }
            group |= isGroup;
            trait |= isTrait;
        }
        if (!group || !trait) {
            return out;
        }
        m.useTransparentBounds(true);
        int from = 0;
        for (int start : starts) {
            if (start < from) {
                continue;
            }
            m.region(start, normalized.length());
            if (m.lookingAt()) {
                out.add(m.group());
                from = m.end();
            }
        }
        return out;
    }

    private static boolean covered(boolean[] benign, int start, int length) {
        for (int k = start; k < start + length; k++) {
            if (benign[k]) {
                return true;
            }
        }
        return false;
    }

    private static double score(Iterable<Double> weights) {
        double max = 0;
        double sum = 0;
        for (double w : weights) {
            max = Math.max(max, w);
            sum += w;
        }
        return Text.clamp01(max + OTHERS_FACTOR * (sum - max));
    }

    private static void add(Map<String, Term> terms, String raw, Cat cat, double weight) {
        List<Text.Token> tokens = Text.tokens(raw);
        if (tokens.isEmpty()) {
            return;
        }
        // merged by stem, not by index key: "hate" and "hat" share a key but are different terms
        String key = tokens.stream().map(Text.Token::stem).collect(Collectors.joining(" "));
        Term t = terms.computeIfAbsent(key, k -> new Term(raw.toLowerCase(Locale.ROOT).strip(), tokens));
        t.weights.merge(cat, weight, Math::max);
    }

    /** The leading run of each phrase; null if one starts with a sign (then the stereotype pattern runs alone). */
    private static Set<String> leads(List<String> phrases) {
        Set<String> out = new HashSet<>();
        for (String phrase : phrases) {
            String lead = Text.leadingRun(phrase);
            if (lead.isEmpty()) {
                return null;
            }
            out.add(lead);
        }
        return out;
    }

    private static boolean usable(String word, Set<String> ignore) {
        return word.length() >= 3 && !FUNCTION_WORDS.contains(word) && !Text.STOPWORDS.contains(word)
                && !ignore.contains(Text.stem(word).key()) && !word.chars().allMatch(Character::isDigit);
    }

    private static String alternation(List<String> items) {
        return items.stream().distinct().sorted(Comparator.comparingInt(String::length).reversed())
                .map(s -> Pattern.quote(s).replace(" ", "\\E\\s+\\Q"))
                .collect(Collectors.joining("|"));
    }

    private static String catKey(String class1, String class2) {
        return class1 + "\u0000" + class2;
    }

    private static IllegalArgumentException error(String name, int line, String message) {
        return new IllegalArgumentException(name + " line " + line + ": " + message);
    }
}
