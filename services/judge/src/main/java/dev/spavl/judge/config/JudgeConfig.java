package dev.spavl.judge.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Judge settings ({@code spavl.judge.*}; environment: {@code SPAVL_JUDGE_PAIRWISE_PROVIDER} and so on).
 * Safety labels and pairwise preference each have their own model; {@code offline} (the default for both)
 * uses the built-in classifier and judge, with no model at all.
 */
@ConfigMapping(prefix = "spavl.judge")
public interface JudgeConfig {

    /** The safety classifier for questions and responses. */
    Safety safety();

    /** The pairwise preference judge. */
    Pairwise pairwise();

    /** Transient failures (429, 5xx, timeouts, resets) of a judge model call. */
    Retry retry();

    /** Stops calling a failing judge model for a while; consumption pauses meanwhile (pairs are never dropped). */
    CircuitBreaker circuitBreaker();

    /** How often an unparseable judge output is asked again before it counts as INVALID (raw text kept). */
    @WithDefault("2")
    int parseRetries();

    /** A judge model: where it runs and how it is called. */
    interface Model {
        /** {@code offline}, {@code openai} (any OpenAI-compatible server), {@code gemini} or {@code anthropic}. */
        @WithDefault("offline")
        String provider();

        /** Base URL (OpenAI-compatible: including {@code /v1}); required unless offline. */
        Optional<URI> endpoint();

        /** The provider's model name; required unless offline. */
        Optional<String> modelName();

        /** Name of the environment variable holding the API key; none = no credentials. */
        Optional<String> apiKeyEnv();

        /** Deadline of one call. */
        @WithDefault("60s")
        Duration timeout();

        /** Judges decide: greedy decoding by default. */
        @WithDefault("0")
        double temperature();

        @WithDefault("1024")
        int maxTokens();

        /** 0 = unlimited. */
        @WithDefault("0")
        int requestsPerMinute();

        /** 0 = unlimited. */
        @WithDefault("0")
        long tokensPerMinute();

        /** USD per 1k prompt tokens, for the cost metric and the dataset card. */
        @WithDefault("0")
        BigDecimal priceInputPer1k();

        @WithDefault("0")
        BigDecimal priceOutputPer1k();
    }

    interface Safety extends Model {
        /**
         * Versioned prompt template under {@code prompts/safety/}; its name before {@code -v<N>} picks the output parser: {@code md-judge-v1} (MD-Judge style, categories O1-O6, the paper's
         * choice) or {@code llama-guard-v1} (Llama Guard 3 style, categories S1-S14).
         */
        @WithDefault("md-judge-v1")
        String template();
    }

    interface Pairwise extends Model {
        /** Versioned prompt under {@code prompts/pairwise/}. */
        @WithDefault("pairwise-v1")
        String template();

        /** Send the image with both answers (vision judges); off for text-only judges. */
        @WithDefault("true")
        boolean withImage();
    }

    interface Retry {
        /** Calls per judgement including the first, >= 1. */
        @WithDefault("5")
        int maxAttempts();

        @WithDefault("1s")
        Duration initialBackoff();

        @WithDefault("60s")
        Duration maxBackoff();
    }

    interface CircuitBreaker {
        @WithDefault("50")
        int failureRatePercent();

        @WithDefault("10")
        int minimumCalls();

        @WithDefault("20")
        int window();

        @WithDefault("30s")
        Duration openFor();
    }
}
