package dev.spavl.responder.simulated;

import java.util.Locale;

/**
 * The distribution of a simulated model's response time, given its mean and standard deviation: {@code normal}
 * (symmetric, the default) or {@code lognormal} (skewed, with the long right tail real model servers show: most
 * calls near the median, a few several times slower).
 */
public enum LatencyShape {
    NORMAL, LOGNORMAL;

    public static LatencyShape parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a latency shape (normal, lognormal)");
        }
    }

    /**
     * One latency in the unit of {@code mean}, from a standard normal draw {@code z}. For the lognormal, the
     * underlying normal's (mu, sigma) are chosen so that the latency itself has this mean and standard deviation.
     */
    double sample(double mean, double stddev, double z) {
        if (this == NORMAL || mean <= 0) {
            return mean + z * stddev;
        }
        double sigma2 = Math.log1p((stddev * stddev) / (mean * mean));
        return Math.exp(Math.log(mean) - sigma2 / 2 + Math.sqrt(sigma2) * z);
    }
}
