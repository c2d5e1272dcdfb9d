package dev.spavl.judge.prompt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A versioned judge prompt from {@code src/main/resources/dev/spavl/judge/prompts/<kind>/<name>.txt}. The
 * first line may be {@code # system:} followed by system-prompt lines up to a line {@code # user:}; the rest is
 * the user message. Placeholders are {@code {{name}}}; a missing value is an error, not an empty string, so a
 * template and its caller cannot drift apart silently.
 */
public record PromptTemplate(String id, String system, String user) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");

    public static PromptTemplate load(String kind, String name) {
        if (!name.matches("[a-z0-9._-]+")) {
            throw new IllegalArgumentException("prompt template name '" + name + "' may only use a-z, 0-9, '.', '_', '-'");
        }
        String path = "/dev/spavl/judge/prompts/" + kind + "/" + name + ".txt";
        try (InputStream in = PromptTemplate.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no " + kind + " prompt template '" + name + "' (looked for " + path + ")");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
            String system = null;
            String user = text;
            if (text.startsWith("# system:\n")) {
                int split = text.indexOf("\n# user:\n");
                if (split < 0) {
                    throw new IllegalArgumentException(path + ": '# system:' without a following '# user:' line");
                }
                system = text.substring("# system:\n".length(), split).strip();
                user = text.substring(split + "\n# user:\n".length());
            }
            return new PromptTemplate(kind + "/" + name, system, user.strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    public String render(Map<String, String> values) {
        return fill(user, values);
    }

    private String fill(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("prompt " + id + " needs a value for {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
