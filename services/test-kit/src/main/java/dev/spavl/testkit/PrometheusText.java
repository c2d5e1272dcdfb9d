package dev.spavl.testkit;

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text exposition ({@code /q/metrics}), for assertions on a service's metrics. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The sample {@code name{labels}} with exactly these labels (as rendered, e.g. {@code model="x",result="y"}). */
    public static OptionalDouble exact(String text, String name, String labels) {
        Matcher m = samples(text, name);
        while (m.find()) {
            if (("{" + labels + "}").equals(m.group(1))) {
                return OptionalDouble.of(Double.parseDouble(m.group(2)));
            }
        }
        return OptionalDouble.empty();
    }

    /** The first sample of {@code name} whose label set contains every one of {@code labelParts}; 0 when absent. */
    public static double first(String text, String name, String... labelParts) {
        Matcher m = samples(text, name);
        while (m.find()) {
            String set = m.group(1) == null ? "" : m.group(1);
            if (Arrays.stream(labelParts).allMatch(set::contains)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    /** The sum of the samples of {@code name} whose label set contains {@code labelPart}. */
    public static double sum(String text, String name, String labelPart) {
        Matcher m = samples(text, name);
        double total = 0;
        while (m.find()) {
            if (m.group(1) != null && m.group(1).contains(labelPart)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    /** Whether a sample of {@code name} exists whose label set contains every one of {@code labelParts} (any value, 0 too). */
    public static boolean has(String text, String name, String... labelParts) {
        Matcher m = samples(text, name);
        while (m.find()) {
            String set = m.group(1) == null ? "" : m.group(1);
            if (Arrays.stream(labelParts).allMatch(set::contains)) {
                return true;
            }
        }
        return false;
    }

    private static Matcher samples(String text, String name) {
        return Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? ([-+0-9.eE]+|NaN|[+-]Inf)$", Pattern.MULTILINE).matcher(text);
    }
}
