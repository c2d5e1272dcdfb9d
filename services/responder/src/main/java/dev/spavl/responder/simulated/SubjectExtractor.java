package dev.spavl.responder.simulated;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds what a question is about, with cheap surface heuristics, so that simulated answers (and refusals)
 * talk about the same thing as the question. In order:
 * <ol>
 *   <li>a claim after "is it true that", "do you agree that", "continue this statement", ..., or a statement
 *       (its first word is no question or request word) becomes "the claim that &lt;first sentence&gt;";</li>
 *   <li>an activity after "how to", "ways to", "how could someone", ... becomes "how to &lt;activity&gt;";</li>
 *   <li>a noun phrase after "about", "regarding", ...;</li>
 *   <li>otherwise the question's clause without its leading question words ("What are the dangers of X" gives
 *       "the dangers of X").</li>
 * </ol>
 * A request that opens like a statement but asks a question after a comma ("Looking at this image of X, how
 * could someone ...?") is read by the question rules: it is no claim to agree with.
 * References to the image ("shown in the picture") are dropped, because the simulated answer does not see it,
 * and first-person words become second person ("my ex" becomes "your ex") because the answer speaks to the
 * asker. Every rule works on whole words: the subject is put into the answer's sentences, so a cut word
 * ("expla" from "explain") or a cut phrase ("is the perfect") would show. The word lists come from the phrase
 * bank; the few grammar words that mark where a phrase may end are fixed here.
 */
public final class SubjectExtractor {

    /** Which rule found the subject. */
    public enum Kind { ACTIVITY, TOPIC, CLAIM, FALLBACK, EMPTY }

    /** The subject phrase, ready to be put into a sentence, and how it was found. */
    public record Subject(String phrase, Kind kind) {
        /** Whether the request was a claim to agree with or continue, rather than a question. */
        public boolean statement() {
            return kind == Kind.CLAIM;
        }
    }

    private static final Pattern EDGE_PUNCT_START = Pattern.compile("^[\\s\"'\u201c\u201d\u2018\u2019(\\[:,-]+");
    private static final Pattern EDGE_PUNCT_END = Pattern.compile("[\\s\"'\u201c\u201d\u2018\u2019)\\]?.!,;:-]+$");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?;](\\s|$)");
    private static final Pattern WORD_CORE = Pattern.compile("^([\\p{L}\\p{N}'\u2019-]*)(.*)$");
    private static final Set<String> LEADING_FILLERS = Set.of("i", "you", "we", "me", "it", "there");
    private static final Set<String> BE_FORMS = Set.of("be", "is", "are", "was", "were", "being", "been", "has",
            "have", "had");
    /** Not preceded by a letter or digit: a pattern starting here starts a word, not the inside of one. */
    private static final String WORD_START = "(?<![\\p{L}\\p{N}'\u2019])";
    /** Double quotes are dropped from subjects: a capped phrase would keep one half of a pair. */
    private static final Pattern DOUBLE_QUOTES = Pattern.compile("[\"\u201c\u201d]");
    /** Words a long phrase may be cut before without leaving a dangling word: conjunctions, relatives, prepositions. */
    private static final Set<String> BREAK_WORDS = Set.of("and", "or", "but", "so", "because", "while", "although",
            "though", "unless", "if", "when", "where", "which", "who", "whom", "whose", "that", "without", "with",
            "for", "to", "of", "in", "on", "at", "by", "from", "into", "about", "as", "than", "through", "during",
            "after", "before");
    /** Question words that, after a comma, turn an opening statement into a question ("..., how could someone"). */
    private static final Set<String> WH_WORDS = Set.of("what", "which", "who", "whom", "whose", "where", "when",
            "why", "how");

    private final int maxWords;
    private final Set<String> questionWords;
    private final Set<String> modals;
    private final Set<String> stopwords;
    private final Set<String> trailingStopwords;
    private final Map<String, String> pronouns;
    private final List<String> cutAt;
    private final Pattern claimCue;
    private final Pattern activity;
    private final Pattern topic;
    private final Pattern kindCue;
    private final Pattern imageRef;
    private final Pattern imageClaim;
    private final String emptySubject;
    private final String claimPrefix;

    SubjectExtractor(JsonNode cfg, String resource) {
        int max = cfg.path("maxWords").asInt(0);
        if (max <= 0) {
            throw new IllegalArgumentException(resource + ": subject.maxWords must be a positive integer");
        }
        this.maxWords = max;
        this.questionWords = lowerSet(list(cfg, "questionWords", resource));
        List<String> modalList = list(cfg, "modals", resource);
        this.modals = lowerSet(modalList);
        this.stopwords = lowerSet(list(cfg, "stopwords", resource));
        this.trailingStopwords = lowerSet(list(cfg, "trailingStopwords", resource));
        this.cutAt = list(cfg, "cutAt", resource).stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        Map<String, String> p = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = cfg.path("pronouns").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            p.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText());
        }
        this.pronouns = Map.copyOf(p);
        this.claimCue = cue(alternation(list(cfg, "claimCues", resource)));
        // "how could someone X" needs both the modal and the actor, else "how does money laundering work"
        // would yield the activity "money laundering work"
        this.activity = cue(alternation(list(cfg, "activityCues", resource)) + "|how\\s+(?:"
                + alternation(modalList) + ")\\s+(?:" + alternation(list(cfg, "actors", resource)) + ")");
        this.topic = cue(alternation(list(cfg, "topicCues", resource)));
        this.kindCue = Pattern.compile("^(?:" + alternation(list(cfg, "kindCues", resource)) + ")\\s+");
        String nouns = alternation(list(cfg, "imageNouns", resource));
        // "shown in the picture", "in this image", "depicted here": the simulated model never sees the image
        String verbs = alternation(list(cfg, "imageVerbs", resource));
        // WORD_START: without it "explain this image" lost "in this image" and left "expla"
        this.imageRef = Pattern.compile("(?i)(?:\\s*,)?\\s*" + WORD_START
                + "(?:(?:(?:that|which)\\s+(?:is|are)\\s+)?(?:" + verbs + ")\\s+)?"
                + "(?:in|on|from|within)\\s+(?:this|the)\\s+(?:" + nouns + ")\\b"
                + "|\\s*" + WORD_START + "(?:" + verbs + ")\\s+here\\b");
        String claimVerbs = alternation(list(cfg, "imageClaimVerbs", resource));
        // "The image shows that X", "As the picture shows, X": X is the claim
        this.imageClaim = Pattern.compile("(?i)^(?:(?:this|the)\\s+(?:" + nouns + ")\\s+(?:\\p{L}+ly\\s+)?(?:"
                + claimVerbs + ")\\s+(?:that\\s+)?|as\\s+(?:this|the)\\s+(?:" + nouns + ")\\s+(?:" + claimVerbs
                + ")\\s*,\\s*)");
        this.emptySubject = PhraseBank.text(cfg, "emptySubject", resource);
        this.claimPrefix = PhraseBank.text(cfg, "claimPrefix", resource);
    }

    /** The default bank's extractor. */
    public static SubjectExtractor v1() {
        return PhraseBank.v1().subjects();
    }

    public Subject extract(String text) {
        String source = source(text);
        if (source == null) {
            return new Subject(emptySubject, Kind.EMPTY);
        }
        String lower = source.toLowerCase(Locale.ROOT);

        Matcher c = claimCue.matcher(lower);
        if (c.find()) {
            String claim = claim(source.substring(c.end()));
            if (claim != null) {
                return new Subject(claimPrefix + claim, Kind.CLAIM);
            }
        }
        if (!questionWords.contains(core(lower.split(" ", 2)[0])) && !asksAfterComma(source)) {
            String claim = claim(source);
            if (claim != null) {
                return new Subject(claimPrefix + claim, Kind.CLAIM);
            }
        }
        Matcher a = activity.matcher(lower);
        if (a.find()) {
            String rest = phrase(source.substring(a.end()));
            if (rest != null) {
                return new Subject("how to " + (rest.startsWith("to ") ? rest.substring(3) : rest), Kind.ACTIVITY);
            }
        }
        Matcher m = topic.matcher(lower);
        if (m.find()) {
            // a topic is a noun phrase: "about X, what tools would I need" is about X
            String rest = phrase(source.substring(m.end()).split(", ", 2)[0]);
            if (rest != null && hasContentWord(rest)) {
                return new Subject(rest, Kind.TOPIC);
            }
        }
        String clause = clause(source);
        return clause == null ? new Subject(emptySubject, Kind.EMPTY) : new Subject(clause, Kind.FALLBACK);
    }

    /**
     * Whether the request has the form of a claim to agree with or continue: a claim cue, or a first word that is
     * no question or request word. Such requests count as harmful (see {@link PhraseBank#looksHarmful}), also
     * when {@link #extract} reads them as a question; this test is kept apart from the wording so that making
     * the subject read better never changes which requests are refused.
     */
    public boolean claimForm(String text) {
        String source = source(text);
        if (source == null) {
            return false;
        }
        String lower = source.toLowerCase(Locale.ROOT);
        Matcher c = claimCue.matcher(lower);
        if (c.find() && hasClaim(source.substring(c.end()))) {
            return true;
        }
        return !questionWords.contains(core(lower.split(" ", 2)[0])) && hasClaim(source);
    }

    /** The request with its whitespace collapsed, or null when it has no words. */
    private static String source(String text) {
        String t = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        if (trimEdges(t).isEmpty()) {
            return null;
        }
        // lower-casing changes the length of a few exotic characters; then work on the lower-cased text
        return t.toLowerCase(Locale.ROOT).length() == t.length() ? t : t.toLowerCase(Locale.ROOT);
    }

    /** The first sentence, without a trailing tag (", right?"), capped; first letter lower-cased unless a name. */
    private String claim(String text) {
        List<String> words = new ArrayList<>();
        for (String w : claimWords(text)) {
            String unquoted = DOUBLE_QUOTES.matcher(w).replaceAll("");
            if (!unquoted.isEmpty()) {
                words.add(unquoted);
            }
        }
        words = fit(words);
        trimTrailing(words);
        String s = trimEdges(String.join(" ", words));
        if (s.isEmpty()) {
            return null;
        }
        if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))) {
            s = Character.toLowerCase(s.charAt(0)) + s.substring(1);
        }
        return s;
    }

    /**
     * Whether a claim is there: a word other than a trailing stop word among its first maxWords. This is the test
     * that has always decided {@link #claimForm}, kept as it was so that decisions do not change.
     */
    private boolean hasClaim(String text) {
        List<String> words = claimWords(text);
        for (String w : words.subList(0, Math.min(maxWords, words.size()))) {
            if (!trailingStopwords.contains(core(w))) {
                return true;
            }
        }
        return false;
    }

    /** The words of the claim's first sentence, image references and a trailing tag (", agree?") removed. */
    private List<String> claimWords(String text) {
        String s = trimEdges(text);
        s = trimEdges(imageClaim.matcher(s).replaceFirst(""));
        s = trimEdges(imageRef.matcher(s).replaceAll(""));
        Matcher end = SENTENCE_END.matcher(s);
        if (end.find() && end.start() > 0) {
            s = s.substring(0, end.start());
        }
        int comma = s.lastIndexOf(',');
        if (comma > 0 && s.substring(comma + 1).trim().split(" ").length <= 3) {
            s = s.substring(0, comma); // ", agree?" / ", don't you think?"
        }
        return words(s);
    }

    /**
     * Whether the first sentence is a question behind an opening clause: "Given what is shown here, what would
     * be ...?", "Looking at this image of X, how could someone ...?". A short tag (", agree?") does not count.
     */
    private boolean asksAfterComma(String source) {
        Matcher end = SENTENCE_END.matcher(source);
        if (!end.find() || source.charAt(end.start()) != '?') {
            return false;
        }
        String first = source.substring(0, end.start());
        int comma = first.lastIndexOf(',');
        if (comma <= 0) {
            return false;
        }
        List<String> tail = words(first.substring(comma + 1));
        return tail.size() > 3 && WH_WORDS.contains(core(tail.get(0)));
    }

    /** What follows a cue: image references dropped, cut at the clause end, pronouns swapped, capped. */
    private String phrase(String rest) {
        return finish(fit(words(prepare(rest))));
    }

    /** The question without its leading question words ("what are", "can you tell me"), capped. */
    private String clause(String source) {
        List<String> words = words(prepare(source));
        while (!words.isEmpty() && (questionWords.contains(core(words.get(0)))
                || LEADING_FILLERS.contains(core(words.get(0))))) {
            words.remove(0);
        }
        // "what kind of scam might they run": the subject is the scam, not the kind
        Matcher k = kindCue.matcher(String.join(" ", words).toLowerCase(Locale.ROOT));
        if (k.find()) {
            words = words(String.join(" ", words).substring(k.end()));
            for (int i = 1; i < words.size(); i++) {
                String w = core(words.get(i));
                if (modals.contains(w) || BE_FORMS.contains(w)) {
                    words = new ArrayList<>(words.subList(0, i));
                    break;
                }
            }
        }
        return finish(fit(words));
    }

    private String prepare(String s) {
        return DOUBLE_QUOTES.matcher(cut(imageRef.matcher(s).replaceAll(""))).replaceAll("");
    }

    /**
     * Caps a long phrase where a phrase may end, never inside one ("... is the perfect" would dangle): up to half
     * again maxWords it stays whole; a longer one ends before the last break word or after the last comma within
     * maxWords (keeping at least half of it), else at the first break after maxWords, else at maxWords.
     */
    private List<String> fit(List<String> words) {
        int soft = maxWords + maxWords / 2;
        if (words.size() <= soft) {
            return words;
        }
        for (int i = maxWords; i >= Math.max(1, maxWords / 2); i--) {
            if (breaksBefore(words, i)) {
                return new ArrayList<>(words.subList(0, i));
            }
        }
        for (int i = maxWords + 1; i <= soft; i++) {
            if (breaksBefore(words, i)) {
                return new ArrayList<>(words.subList(0, i));
            }
        }
        return new ArrayList<>(words.subList(0, maxWords));
    }

    private static boolean breaksBefore(List<String> words, int i) {
        String previous = words.get(i - 1);
        char last = previous.charAt(previous.length() - 1);
        return last == ',' || last == ';' || last == ':' || BREAK_WORDS.contains(core(words.get(i)));
    }

    private String finish(List<String> words) {
        List<String> swapped = new ArrayList<>();
        for (String w : words) {
            swapped.add(swap(w));
        }
        dropTag(swapped);
        trimTrailing(swapped);
        if (swapped.isEmpty()) {
            return null;
        }
        String s = trimEdges(String.join(" ", swapped));
        return s.isEmpty() ? null : s;
    }

    /** Drops a tail of stop words after the last comma (", and how", ", or why"): it asks, it names nothing. */
    private void dropTag(List<String> words) {
        for (int i = words.size() - 1; i > 0; i--) {
            if (!stopwords.contains(core(words.get(i)))) {
                return;
            }
            if (words.get(i - 1).endsWith(",")) {
                words.subList(i, words.size()).clear();
                return;
            }
        }
    }

    private static List<String> words(String s) {
        String t = trimEdges(s);
        return t.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(t.split(" ")));
    }

    /** Cuts at the first boundary phrase (" using what", "? ") that stands on word boundaries. */
    private String cut(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        int at = s.length();
        for (String c : cutAt) {
            int i = wholeIndexOf(lower, c);
            // a boundary right at the start would leave nothing: ignore it
            if (i > 0 && i < at) {
                at = i;
            }
        }
        return s.substring(0, at);
    }

    /** First index of {@code part} in {@code s} that neither starts nor ends inside a word; -1 if none. */
    private static int wholeIndexOf(String s, String part) {
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            int end = i + part.length();
            boolean startsInside = i > 0 && isWordChar(part.charAt(0)) && isWordChar(s.charAt(i - 1));
            boolean endsInside = end < s.length() && isWordChar(part.charAt(part.length() - 1))
                    && isWordChar(s.charAt(end));
            if (!startsInside && !endsInside) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c);
    }

    private void trimTrailing(List<String> words) {
        while (!words.isEmpty() && trailingStopwords.contains(core(words.get(words.size() - 1)))) {
            words.remove(words.size() - 1);
        }
    }

    private boolean hasContentWord(String phrase) {
        for (String w : phrase.split(" ")) {
            String c = core(w);
            if (!c.isEmpty() && !stopwords.contains(c)) {
                return true;
            }
        }
        return false;
    }

    /** First person to second person, keeping trailing punctuation; acronyms such as "US" stay. */
    private String swap(String word) {
        Matcher m = WORD_CORE.matcher(word);
        if (!m.matches()) {
            return word;
        }
        String core = m.group(1);
        boolean acronym = core.length() > 1 && core.equals(core.toUpperCase(Locale.ROOT));
        String repl = acronym ? null : pronouns.get(core.toLowerCase(Locale.ROOT).replace('\u2019', '\''));
        return repl == null ? word : repl + m.group(2);
    }

    private static String core(String word) {
        Matcher m = WORD_CORE.matcher(word.toLowerCase(Locale.ROOT));
        return m.matches() ? m.group(1).replace('\u2019', '\'') : word;
    }

    private static String trimEdges(String s) {
        return EDGE_PUNCT_END.matcher(EDGE_PUNCT_START.matcher(s).replaceFirst("")).replaceFirst("");
    }

    /** A cue phrase at a word start, followed by whitespace. */
    private static Pattern cue(String alternation) {
        return Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alternation + ")(?:\\s+|\\s*:\\s*)");
    }

    private static String alternation(List<String> phrases) {
        // longest first, so "how to" is not shadowed by a shorter cue at the same position
        return phrases.stream()
                .map(p -> p.toLowerCase(Locale.ROOT).trim())
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(p -> Pattern.quote(p).replace(" ", "\\E\\s+\\Q"))
                .collect(Collectors.joining("|"));
    }

    private static List<String> list(JsonNode cfg, String field, String resource) {
        return PhraseBank.strings(cfg.path(field), "subject." + field, resource);
    }

    private static Set<String> lowerSet(List<String> words) {
        Set<String> out = new HashSet<>();
        for (String w : words) {
            out.add(w.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(out);
    }
}
