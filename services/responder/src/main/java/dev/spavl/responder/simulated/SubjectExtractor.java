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
 * References to the image ("shown in the picture") are dropped, because the simulated answer does not see it,
 * and first-person words become second person ("my ex" becomes "your ex") because the answer speaks to the
 * asker. All word lists come from the phrase bank.
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
        this.imageRef = Pattern.compile("(?i)(?:\\s*,)?\\s*(?:(?:(?:that|which)\\s+(?:is|are)\\s+)?(?:" + verbs
                + ")\\s+)?(?:in|on|from|within)\\s+(?:this|the)\\s+(?:" + nouns + ")\\b"
                + "|\\s*(?:" + verbs + ")\\s+here\\b");
        this.imageClaim = Pattern.compile("(?i)^(?:this|the)\\s+(?:" + nouns + ")\\s+(?:\\p{L}+ly\\s+)?(?:"
                + alternation(list(cfg, "imageClaimVerbs", resource)) + ")\\s+(?:that\\s+)?");
        this.emptySubject = PhraseBank.text(cfg, "emptySubject", resource);
        this.claimPrefix = PhraseBank.text(cfg, "claimPrefix", resource);
    }

    /** The default bank's extractor. */
    public static SubjectExtractor v1() {
        return PhraseBank.v1().subjects();
    }

    public Subject extract(String text) {
        String t = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        if (trimEdges(t).isEmpty()) {
            return new Subject(emptySubject, Kind.EMPTY);
        }
        // lower-casing changes the length of a few exotic characters; then work on the lower-cased text
        String source = t.toLowerCase(Locale.ROOT).length() == t.length() ? t : t.toLowerCase(Locale.ROOT);
        String lower = source.toLowerCase(Locale.ROOT);

        Matcher c = claimCue.matcher(lower);
        if (c.find()) {
            String claim = claim(source.substring(c.end()));
            if (claim != null) {
                return new Subject(claimPrefix + claim, Kind.CLAIM);
            }
        }
        if (!questionWords.contains(core(lower.split(" ", 2)[0]))) {
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
            String rest = phrase(source.substring(m.end()));
            if (rest != null && hasContentWord(rest)) {
                return new Subject(rest, Kind.TOPIC);
            }
        }
        String clause = clause(source);
        return clause == null ? new Subject(emptySubject, Kind.EMPTY) : new Subject(clause, Kind.FALLBACK);
    }

    /** The first sentence, without a trailing tag (", right?"), capped; first letter lower-cased unless a name. */
    private String claim(String text) {
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
        List<String> words = words(s);
        if (words.size() > maxWords) {
            words = new ArrayList<>(words.subList(0, maxWords));
        }
        trimTrailing(words);
        if (words.isEmpty()) {
            return null;
        }
        s = String.join(" ", words);
        if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))) {
            s = Character.toLowerCase(s.charAt(0)) + s.substring(1);
        }
        return s;
    }

    /** What follows a cue: image references dropped, cut at the clause end, pronouns swapped, capped. */
    private String phrase(String rest) {
        List<String> words = words(prepare(rest));
        if (words.size() > maxWords) {
            words = new ArrayList<>(words.subList(0, maxWords));
        }
        return finish(words);
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
        if (words.size() > maxWords) {
            words = new ArrayList<>(words.subList(0, maxWords));
        }
        return finish(words);
    }

    private String prepare(String s) {
        return cut(imageRef.matcher(s).replaceAll(""));
    }

    private String finish(List<String> words) {
        List<String> swapped = new ArrayList<>();
        for (String w : words) {
            swapped.add(swap(w));
        }
        trimTrailing(swapped);
        if (swapped.isEmpty()) {
            return null;
        }
        String s = trimEdges(String.join(" ", swapped));
        return s.isEmpty() ? null : s;
    }

    private static List<String> words(String s) {
        String t = trimEdges(s);
        return t.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(t.split(" ")));
    }

    private String cut(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        int at = s.length();
        for (String c : cutAt) {
            int i = lower.indexOf(c);
            // a boundary right at the start would leave nothing: ignore it
            if (i > 0 && i < at) {
                at = i;
            }
        }
        return s.substring(0, at);
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
