package dev.spavl.responder.simulated;

import java.time.Duration;
import java.util.Objects;

/**
 * How one simulated model behaves: how often it complies with a harmful request, how long it takes and how
 * often (and how) it fails. All draws are deterministic functions of {@code seed}, the model id, the request
 * text and (for latency and faults) the attempt number, so a replay produces the same answers.
 *
 * @param modelId       catalog id; part of every draw and of {@code ChatResult.rawModel} ({@code simulated/<id>})
 * @param unsafeRate    share (0..1) of harmful-looking requests answered compliantly instead of refused
 * @param refusalStyle  which parts the refusals are made of
 * @param latencyMean   mean of the normal latency distribution
 * @param latencyStddev its standard deviation
 * @param latencyMin    floor of every successful call's latency (draws below it are raised to it)
 * @param latencyShape  the latency's distribution around its mean ({@link LatencyShape})
 * @param rate429       share of attempts failing with RATE_LIMITED (HTTP 429)
 * @param retryAfter    the Retry-After a 429 carries
 * @param rate500       share of attempts failing with SERVER_ERROR (HTTP 500)
 * @param rateTimeout   share of attempts that never answer and fail with TIMEOUT after {@code timeout}
 * @param timeout       the call's deadline; a latency draw beyond it also ends in TIMEOUT, as with a real client
 * @param rateGarbage   share of attempts whose body is unparseable, failing with INVALID_OUTPUT
 * @param seed          varies every draw; two seeds give two different (equally calibrated) sets of decisions
 */
public record Persona(String modelId, double unsafeRate, RefusalStyle refusalStyle,
                      Duration latencyMean, Duration latencyStddev, Duration latencyMin, LatencyShape latencyShape,
                      double rate429, Duration retryAfter, double rate500, double rateTimeout, Duration timeout,
                      double rateGarbage, long seed) {

    public Persona {
        Objects.requireNonNull(modelId, "modelId");
        if (modelId.isBlank()) {
            throw new IllegalArgumentException("modelId is blank");
        }
        rate("unsafeRate", unsafeRate);
        Objects.requireNonNull(refusalStyle, "refusalStyle");
        nonNegative("latencyMean", latencyMean);
        nonNegative("latencyStddev", latencyStddev);
        nonNegative("latencyMin", latencyMin);
        Objects.requireNonNull(latencyShape, "latencyShape");
        rate("rate429", rate429);
        nonNegative("retryAfter", retryAfter);
        rate("rate500", rate500);
        rate("rateTimeout", rateTimeout);
        rate("rateGarbage", rateGarbage);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        // the four faults share one draw per attempt, so together they cannot exceed certainty
        double faults = rate429 + rate500 + rateTimeout + rateGarbage;
        if (faults > 1.0 + 1e-9) {
            throw new IllegalArgumentException("fault rates add up to " + faults + " > 1 for " + modelId);
        }
    }

    /**
     * A persona that answers instantly, refuses apologetically and never fails; the lane sets the rest from the
     * model catalog's {@code persona} block with the withers.
     */
    public static Persona of(String modelId, double unsafeRate) {
        return new Persona(modelId, unsafeRate, RefusalStyle.APOLOGETIC, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, LatencyShape.NORMAL, 0, Duration.ofSeconds(1), 0, 0, Duration.ofSeconds(60), 0, 0L);
    }

    public Persona withUnsafeRate(double rate) {
        return new Persona(modelId, rate, refusalStyle, latencyMean, latencyStddev, latencyMin, latencyShape,
                rate429, retryAfter, rate500, rateTimeout, timeout, rateGarbage, seed);
    }

    public Persona withRefusalStyle(RefusalStyle style) {
        return new Persona(modelId, unsafeRate, style, latencyMean, latencyStddev, latencyMin, latencyShape,
                rate429, retryAfter, rate500, rateTimeout, timeout, rateGarbage, seed);
    }

    public Persona withLatency(Duration mean, Duration stddev, Duration min) {
        return new Persona(modelId, unsafeRate, refusalStyle, mean, stddev, min, latencyShape,
                rate429, retryAfter, rate500, rateTimeout, timeout, rateGarbage, seed);
    }

    public Persona withLatencyShape(LatencyShape shape) {
        return new Persona(modelId, unsafeRate, refusalStyle, latencyMean, latencyStddev, latencyMin, shape,
                rate429, retryAfter, rate500, rateTimeout, timeout, rateGarbage, seed);
    }

    public Persona withRateLimits(double rate, Duration after) {
        return new Persona(modelId, unsafeRate, refusalStyle, latencyMean, latencyStddev, latencyMin, latencyShape,
                rate, after, rate500, rateTimeout, timeout, rateGarbage, seed);
    }

    public Persona withServerErrors(double rate) {
        return new Persona(modelId, unsafeRate, refusalStyle, latencyMean, latencyStddev, latencyMin, latencyShape,
                rate429, retryAfter, rate, rateTimeout, timeout, rateGarbage, seed);
    }

    public Persona withTimeouts(double rate) {
        return new Persona(modelId, unsafeRate, refusalStyle, latencyMean, latencyStddev, latencyMin, latencyShape,
                rate429, retryAfter, rate500, rate, timeout, rateGarbage, seed);
    }

    public Persona withTimeout(Duration newTimeout) {
        return new Persona(modelId, unsafeRate, refusalStyle, latencyMean, latencyStddev, latencyMin, latencyShape,
                rate429, retryAfter, rate500, rateTimeout, newTimeout, rateGarbage, seed);
    }

    public Persona withGarbage(double rate) {
        return new Persona(modelId, unsafeRate, refusalStyle, latencyMean, latencyStddev, latencyMin, latencyShape,
                rate429, retryAfter, rate500, rateTimeout, timeout, rate, seed);
    }

    public Persona withSeed(long newSeed) {
        return new Persona(modelId, unsafeRate, refusalStyle, latencyMean, latencyStddev, latencyMin, latencyShape,
                rate429, retryAfter, rate500, rateTimeout, timeout, rateGarbage, newSeed);
    }

    private static void rate(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1]: " + value);
        }
    }

    private static void nonNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
    }
}
