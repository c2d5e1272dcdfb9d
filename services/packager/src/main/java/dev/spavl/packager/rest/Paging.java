package dev.spavl.packager.rest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code page} and {@code size} of a paged list, read from the query text by hand (a JAX-RS {@code int} parameter
 * that is not a number is a bodiless 404): whole numbers in range, and a page small enough that its first row,
 * {@code page * size}, fits the int offset Hibernate takes, so no request can overflow it.
 */
public record Paging(int page, int size) {

    /** Reads both; {@link InvalidParameterException} saying which one is wrong and the allowed range. */
    public static Paging of(String page, String size, int defaultSize, int maxSize) {
        int s = whole("size", size, defaultSize, 1, maxSize, "");
        int p = whole("page", page, 0, 0, Integer.MAX_VALUE / s, " (with size " + s + ": the page's first row, page * size, "
                + "must stay within " + Integer.MAX_VALUE + ")");
        return new Paging(p, s);
    }

    /** The first row of the page; exact, as {@link #of} bounds the page by the size. */
    public int offset() {
        return Math.multiplyExact(page, size);
    }

    /** A whole-number parameter within [min, max]; {@code fallback} when absent or empty. */
    public static int whole(String name, String text, int fallback, int min, int max) {
        return whole(name, text, fallback, min, max, "");
    }

    private static int whole(String name, String text, int fallback, int min, int max, String why) {
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw outOfRange(name, text, min, max, why);
        }
        if (value < min || value > max) {
            throw outOfRange(name, text, min, max, why);
        }
        return (int) value;
    }

    /** A whole-number parameter of at least {@code min} (a Kafka offset), or null when absent or empty. */
    public static Long atLeast(String name, String text, long min) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below, as for a number out of range
        }
        throw outOfRange(name, text, min, null, "");
    }

    private static InvalidParameterException outOfRange(String name, String text, long min, Integer max, String why) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("minimum", min);
        if (max != null) {
            range.put("maximum", max);
        }
        String allowed = max == null ? "of at least " + min : "from " + min + " to " + max;
        return new InvalidParameterException(name, "must be a whole number " + allowed + why + ", got '" + shown + "'", range);
    }
}
