package dev.spavl.responder.catalog;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The field names of a catalog entry, identical in the YAML (as nested keys) and in the
 * {@code spavl.models.<id>.<field>} overrides (as dotted paths), and the parsers of their values.
 */
final class CatalogFields {

    static final String DISPLAY_NAME = "display-name";
    static final String PROVIDER = "provider";
    static final String ENDPOINT = "endpoint";
    static final String MODEL_NAME = "model-name";
    static final String API_KEY_ENV = "api-key-env";
    static final String SYSTEM_PROMPT = "system-prompt";
    static final String TEMPERATURE = "decoding.temperature";
    static final String TOP_P = "decoding.top-p";
    static final String MAX_TOKENS = "decoding.max-tokens";
    static final String CONCURRENCY = "concurrency";
    static final String RPM = "rate-limit.requests-per-minute";
    static final String TPM = "rate-limit.tokens-per-minute";
    static final String TIMEOUT = "timeout";
    static final String MAX_ATTEMPTS = "retry.max-attempts";
    static final String INITIAL_BACKOFF = "retry.initial-backoff";
    static final String MAX_BACKOFF = "retry.max-backoff";
    static final String REDELIVERIES = "retry.redeliveries";
    static final String REDELIVERY_DELAY = "retry.redelivery-delay";
    static final String CB_FAILURE_RATE = "circuit-breaker.failure-rate-percent";
    static final String CB_MINIMUM_CALLS = "circuit-breaker.minimum-calls";
    static final String CB_WINDOW = "circuit-breaker.window";
    static final String CB_OPEN_FOR = "circuit-breaker.open-for";
    static final String PRICE_IN = "price.input-per-1k";
    static final String PRICE_OUT = "price.output-per-1k";
    static final String UNSAFE_RATE = "persona.unsafe-rate";
    static final String REFUSAL_STYLE = "persona.refusal-style";
    static final String LATENCY_MEAN = "persona.latency.mean-ms";
    static final String LATENCY_STDDEV = "persona.latency.stddev-ms";
    static final String LATENCY_MIN = "persona.latency.min-ms";
    static final String LATENCY_SHAPE = "persona.latency.shape";
    static final String RATE_429 = "persona.faults.rate-429";
    static final String RATE_500 = "persona.faults.rate-500";
    static final String RATE_TIMEOUT = "persona.faults.rate-timeout";
    static final String RATE_GARBAGE = "persona.faults.rate-garbage";
    static final String RETRY_AFTER = "persona.faults.retry-after";

    /** Every settable field in documentation order ({@code id} is the entry's key, not a field). */
    static final List<String> FIELDS = List.of(DISPLAY_NAME, PROVIDER, ENDPOINT, MODEL_NAME, API_KEY_ENV,
            SYSTEM_PROMPT, TEMPERATURE, TOP_P, MAX_TOKENS, CONCURRENCY, RPM, TPM, TIMEOUT, MAX_ATTEMPTS,
            INITIAL_BACKOFF, MAX_BACKOFF, REDELIVERIES, REDELIVERY_DELAY, CB_FAILURE_RATE, CB_MINIMUM_CALLS, CB_WINDOW,
            CB_OPEN_FOR, PRICE_IN, PRICE_OUT, UNSAFE_RATE, REFUSAL_STYLE, LATENCY_MEAN,
            LATENCY_STDDEV, LATENCY_MIN, LATENCY_SHAPE, RATE_429, RATE_500, RATE_TIMEOUT, RATE_GARBAGE, RETRY_AFTER);

    private static final String PERSONA = "persona.";

    /**
     * Accepted spellings -> canonical field. Persona fields may drop "persona." ({@code ...my-model.unsafe-rate}):
     * no other field shares those names, so the short form is unambiguous and saves typing in overrides.
     */
    private static final Map<String, String> SPELLINGS = new LinkedHashMap<>();

    static {
        for (String f : FIELDS) {
            SPELLINGS.put(f, f);
        }
        for (String f : FIELDS) {
            if (f.startsWith(PERSONA)) {
                SPELLINGS.put(f.substring(PERSONA.length()), f);
            }
        }
    }

    private CatalogFields() {
    }

    /** The canonical field for a spelling, or {@code null} if it is no field. */
    static String canonical(String spelling) {
        return SPELLINGS.get(spelling);
    }

    /** All accepted spellings, longest first, so suffix matching prefers "persona.unsafe-rate" to "unsafe-rate". */
    static List<String> spellingsLongestFirst() {
        return SPELLINGS.keySet().stream()
                .sorted((a, b) -> Integer.compare(b.length(), a.length()))
                .toList();
    }

    /** How an environment variable spells a name: upper case, every other character '_' (the MicroProfile rule). */
    static String envForm(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 ? Character.toUpperCase(c) : '_');
        }
        return sb.toString();
    }

    // ---- value parsers: they only convert; ranges are checked by the ModelSpec records -------------------

    static int parseInt(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    static long parseLong(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    static double parseDouble(String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    static BigDecimal parseDecimal(String v) {
        try {
            return new BigDecimal(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a decimal number (USD per 1k tokens, e.g. 0.0005)");
        }
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(-?\\d+)(ms|s|m|h|d)?");

    /** Quarkus's duration syntax: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601. */
    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        }
        String iso = s.toUpperCase(Locale.ROOT);
        try {
            return Duration.parse(iso.startsWith("P") || iso.startsWith("-P") ? iso : "PT" + iso);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration (e.g. 500ms, 30s, 2m, PT1M30S)");
        }
    }

    static URI parseUri(String v) {
        try {
            return new URI(v.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
    }
}
