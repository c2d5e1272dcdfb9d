package dev.spavl.judge.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Shared clean-up for line-oriented classifier output. */
final class ClassifierText {

    // Chat-template end markers leak into raw generations when the server does not strip them.
    private static final Pattern SPECIAL_TOKENS = Pattern.compile("<\\|[a-z_]+\\|>|</s>|<s>|\\[/?INST]");
    // Markdown emphasis/code markers and list bullets carry no meaning for these formats.
    // Underscores inside words (snake_case) are kept; none of the keywords we look for contain * or `.
    private static final Pattern MARKDOWN = Pattern.compile("[*`]+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])");
    private static final Pattern LEADING_BULLET = Pattern.compile("^(?:[-*+>]\\s+|#+\\s*)+");

    private ClassifierText() {
    }

    /** Non-empty lines, trimmed, with markdown decoration and special tokens removed. */
    static List<String> cleanLines(String output) {
        List<String> lines = new ArrayList<>();
        if (output == null) {
            return lines;
        }
        String text = SPECIAL_TOKENS.matcher(output).replaceAll("");
        for (String raw : text.split("\\r\\n|\\r|\\n")) {
            String line = raw.replace('\u00A0', ' ').strip();
            line = LEADING_BULLET.matcher(line).replaceFirst("");
            line = MARKDOWN.matcher(line).replaceAll("").strip();
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Lower-cased line without trailing sentence punctuation, for exact keyword comparison. */
    static String keyword(String line) {
        return line.toLowerCase(Locale.ROOT).replaceAll("[\\s.!:;,]+$", "");
    }
}
