package dev.spavl.modelclients;

/**
 * Sampling settings sent with every request.
 *
 * @param temperature {@code >= 0}; Anthropic accepts at most 1.0 and answers 400 (CLIENT_ERROR) above it
 * @param topP        nucleus mass in {@code (0, 1]}; 1.0 means "no truncation" and is then not sent to
 *                    Anthropic, whose newer models reject temperature and top_p together
 * @param maxTokens   upper bound on generated tokens, {@code > 0}
 */
public record Decoding(double temperature, double topP, int maxTokens) {

    public Decoding {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0: " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1]: " + topP);
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be > 0: " + maxTokens);
        }
    }

    /** Moderate sampling (0.7), no nucleus truncation, 1024 new tokens: valid for all three providers. */
    public static Decoding defaults() {
        return new Decoding(0.7, 1.0, 1024);
    }

    /** Whether top_p actually restricts sampling (and so has to be sent). */
    boolean restrictsTopP() {
        return topP < 1.0;
    }
}
