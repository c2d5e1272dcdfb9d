package dev.spavl.judge.parse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Llama Guard 3 output: first non-empty line {@code safe} or {@code unsafe}; when unsafe, the next line
 * lists violated codes such as {@code S1,S10}. The first code becomes the category. Codes on the same line
 * ({@code unsafe S1}) are accepted too. Score is 1.0 or 0.0 because the text carries no probability.
 * An unknown code (say {@code S15}) still yields an unsafe reading, with an empty label.
 */
public final class LlamaGuardParser implements SafetyOutputParser {

    public static final String ID = "llama-guard";

    private static final Map<String, String> CATEGORIES = new LinkedHashMap<>();

    static {
        CATEGORIES.put("S1", "Violent Crimes");
        CATEGORIES.put("S2", "Non-Violent Crimes");
        CATEGORIES.put("S3", "Sex-Related Crimes");
        CATEGORIES.put("S4", "Child Sexual Exploitation");
        CATEGORIES.put("S5", "Defamation");
        CATEGORIES.put("S6", "Specialized Advice");
        CATEGORIES.put("S7", "Privacy");
        CATEGORIES.put("S8", "Intellectual Property");
        CATEGORIES.put("S9", "Indiscriminate Weapons");
        CATEGORIES.put("S10", "Hate");
        CATEGORIES.put("S11", "Suicide & Self-Harm");
        CATEGORIES.put("S12", "Sexual Content");
        CATEGORIES.put("S13", "Elections");
        CATEGORIES.put("S14", "Code Interpreter Abuse");
    }

    // Only the bare decision, or "unsafe" followed by nothing but codes, counts; prose does not.
    private static final Pattern DECISION = Pattern.compile(
            "(?i)^(safe|unsafe)(?:[\\s.!:,;]+(s\\d{1,2}(?:[\\s,;]+s\\d{1,2})*))?[\\s.!]*$");
    private static final Pattern CODE = Pattern.compile("(?i)(?<![A-Za-z0-9])s(\\d{1,2})(?![0-9])");

    /** Human name of a Llama Guard 3 category code, from our table. */
    public static Optional<String> labelOf(String code) {
        return code == null ? Optional.empty()
                : Optional.ofNullable(CATEGORIES.get(code.strip().toUpperCase(Locale.ROOT)));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<SafetyReading> parse(String output) {
        List<String> lines = ClassifierText.cleanLines(output);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        Matcher d = DECISION.matcher(lines.get(0));
        if (!d.matches()) {
            return Optional.empty();
        }
        if (d.group(1).equalsIgnoreCase("safe")) {
            return Optional.of(SafetyReading.safe(0.0));
        }
        String codes = d.group(2) != null ? d.group(2) : lines.size() > 1 ? lines.get(1) : "";
        Matcher c = CODE.matcher(codes);
        Optional<String> code = c.find() ? Optional.of("S" + Integer.parseInt(c.group(1))) : Optional.empty();
        return Optional.of(new SafetyReading(false, 1.0, code, code.flatMap(LlamaGuardParser::labelOf)));
    }
}
