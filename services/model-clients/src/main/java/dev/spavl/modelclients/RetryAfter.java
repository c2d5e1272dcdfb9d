package dev.spavl.modelclients;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parses server-requested retry delays. */
final class RetryAfter {

    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(1_000_000_000L);

    private RetryAfter() {
    }

    /**
     * A Retry-After value: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). Fractional seconds are
     * accepted because some proxies send them; a date in the past means "now" (zero).
     */
    static Optional<Duration> parseHeader(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        Optional<Duration> seconds = seconds(v);
        if (seconds.isPresent()) {
            return seconds;
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(clock.instant(), at.toInstant());
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** OpenAI's {@code retry-after-ms}: milliseconds, finer than Retry-After's whole seconds. */
    static Optional<Duration> parseMillis(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.isEmpty() || !Character.isDigit(v.charAt(0))) {
            return Optional.empty();
        }
        try {
            return seconds(new BigDecimal(v).movePointLeft(3).toPlainString());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A protobuf JSON Duration as in Google's RetryInfo: {@code "37s"}, {@code "0.5s"}. */
    static Optional<Duration> parseProtoDuration(String value) {
        if (value == null || !value.endsWith("s")) {
            return Optional.empty();
        }
        return seconds(value.substring(0, value.length() - 1));
    }

    private static Optional<Duration> seconds(String v) {
        if (v.isEmpty() || !Character.isDigit(v.charAt(0))) {
            return Optional.empty();
        }
        try {
            BigDecimal s = new BigDecimal(v);
            // more than ~31 years is no retry hint but garbage (and would overflow nanoseconds)
            if (s.compareTo(MAX_SECONDS) > 0) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos(s.movePointRight(9).longValue()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
