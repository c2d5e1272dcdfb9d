package dev.spavl.judge.offline;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pattern with its anchors: strings one of which every match contains, so a text holding none of them is passed
 * over without running the pattern. Most texts hold no cue, and a pattern that starts with a word boundary and an
 * alternation is tried at every character (issue 21: the offline judge's cues were most of its CPU). No anchors =
 * the pattern always runs. The anchors must be right: a test of each user compares with the pattern run alone.
 */
record AnchoredPattern(Pattern pattern, List<String> anchors) {

    static AnchoredPattern of(String regex, String... anchors) {
        return new AnchoredPattern(Pattern.compile(regex), List.of(anchors));
    }

    /** Whether the text may hold a match: it holds one of the anchors, or there are none. */
    boolean mayMatch(String text) {
        if (anchors.isEmpty()) {
            return true;
        }
        for (String anchor : anchors) {
            if (text.contains(anchor)) {
                return true;
            }
        }
        return false;
    }

    boolean foundIn(String text) {
        return mayMatch(text) && pattern.matcher(text).find();
    }

    /** The number of matches in the text (each found after the end of the one before, as {@link Matcher#find}). */
    int count(String text) {
        if (!mayMatch(text)) {
            return 0;
        }
        int n = 0;
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            n++;
        }
        return n;
    }
}
