package dev.spavl.responder.catalog;

import dev.spavl.responder.simulated.LatencyShape;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One responder model: where it runs, how it is called and how hard a lane may push it.
 * Every validation message names the field the way it is written in the catalog YAML and in the
 * {@code spavl.models.<id>.<field>} keys, so a message points straight at the line to fix.
 *
 * @param id           lower-case and topic-safe ({@link #ID_PATTERN}): it becomes part of {@code spavl.requests.<id>}
 * @param displayName  human name for reports and dashboards
 * @param provider     the wire protocol used to reach the model
 * @param endpoint     base URL (OpenAI-compatible: including {@code /v1}; Gemini/Anthropic: the host); required
 *                     for the HTTP providers
 * @param modelName    the provider's model name (for simulated and custom: a label, defaults to the id)
 * @param apiKeyEnv    name of the environment variable holding the API key; empty = send no credentials
 * @param systemPrompt system prompt sent before the question, {@code null} for none
 * @param decoding     sampling settings
 * @param concurrency  maximum in-flight calls of this model's lane, {@code >= 1}
 * @param rateLimit    requests and tokens per minute, 0 = unlimited
 * @param timeout      deadline of one call
 * @param retry        retry policy for transient failures: in process, then through the lane's retry topic
 * @param circuitBreaker when the lane stops calling a failing model for a while
 * @param price        USD per 1k tokens, used for cost per response and budget stops
 * @param persona      behaviour of the {@code simulated} provider (ignored by real providers)
 */
public record ModelSpec(String id, String displayName, Provider provider, Optional<URI> endpoint, String modelName,
                        Optional<String> apiKeyEnv, String systemPrompt, Decoding decoding, int concurrency,
                        RateLimit rateLimit, Duration timeout, Retry retry, CircuitBreakerPolicy circuitBreaker, Price price,
                        Persona persona) {

    /** Same rule as the topic catalog's model ids: the id is spliced into Kafka topic names. */
    public static final Pattern ID_PATTERN = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public static final int DEFAULT_CONCURRENCY = 4;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public ModelSpec {
        Problems p = new Problems();
        if (id == null || !ID_PATTERN.matcher(id).matches()) {
            // the id is not trustworthy here, so the message cannot rely on the caller's prefix
            p.add("field 'id' = '" + id + "' is not a valid model id: it must match " + ID_PATTERN.pattern()
                    + " (lower-case letters, digits, '.', '_' or '-', at most 63 characters, used in topic names)");
        }
        p.require(provider, "provider");
        p.require(decoding, "decoding");
        p.require(rateLimit, "rate-limit");
        p.require(timeout, "timeout");
        p.require(retry, "retry");
        p.require(circuitBreaker, "circuit-breaker");
        p.require(price, "price");
        p.require(persona, "persona");
        endpoint = endpoint == null ? Optional.empty() : endpoint;
        apiKeyEnv = apiKeyEnv == null ? Optional.empty() : apiKeyEnv.filter(s -> !s.isBlank());
        if (systemPrompt != null && systemPrompt.isBlank()) {
            systemPrompt = null;
        }
        if (displayName == null || displayName.isBlank()) {
            displayName = id;
        }
        if (modelName == null || modelName.isBlank()) {
            if (provider != null && !provider.http()) {
                modelName = id;
            } else if (provider != null) {
                p.add("field 'model-name' is required for provider " + provider);
            }
        }
        if (provider != null && provider.http() && endpoint.isEmpty()) {
            p.add("field 'endpoint' is required for provider " + provider + " (only 'simulated' and 'custom' run without one)");
        }
        endpoint.ifPresent(u -> {
            String scheme = u.getScheme();
            if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || u.getHost() == null) {
                p.add("field 'endpoint' = '" + u + "' must be an absolute http(s) URL");
            }
        });
        apiKeyEnv.ifPresent(e -> {
            if (!ENV_NAME.matcher(e).matches()) {
                p.add("field 'api-key-env' = '" + e + "' is not an environment variable name (letters, digits, '_')");
            }
        });
        if (concurrency < 1) {
            p.add("field 'concurrency' must be >= 1 (was " + concurrency + ")");
        }
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            p.add("field 'timeout' must be positive (was " + timeout + ")");
        }
        p.throwIfAny();
    }

    /** Whether answers come from the offline persona, not a model: such answers are labelled simulated. */
    public boolean simulated() {
        return provider == Provider.SIMULATED;
    }

    /** The wire protocols a lane can speak. */
    public enum Provider {
        /** OpenAI-compatible chat completions: OpenAI, vLLM, Ollama, TGI, LM Studio. */
        OPENAI,
        /** Gemini generateContent. */
        GEMINI,
        /** Anthropic messages. */
        ANTHROPIC,
        /** Offline persona, no network. */
        SIMULATED,
        /**
         * A {@code ModelResponder} bean of the process, annotated {@code @Responds("<id>")}
         * (services/responder-starter): the lane calls that bean.
         */
        CUSTOM;

        /** Whether the lane calls the model over HTTP with a client of model-clients (needs an endpoint). */
        public boolean http() {
            return this == OPENAI || this == GEMINI || this == ANTHROPIC;
        }

        /** The lower-case name used in configuration, heartbeats and the model clients. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return id();
        }

        /** @throws IllegalArgumentException naming the known providers */
        public static Provider parse(String value) {
            String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            for (Provider p : values()) {
                if (p.id().equals(v)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown provider '" + value + "'; known providers: "
                    + String.join(", ", Arrays.stream(values()).map(Provider::id).toList()));
        }
    }

    /**
     * Sampling settings. Same bounds as the model clients' {@code Decoding}, so a catalog entry that loads is
     * one the clients accept.
     */
    public record Decoding(double temperature, double topP, int maxTokens) {

        /** 0.7, no nucleus truncation, 1024 new tokens: valid for all providers. */
        public static final Decoding DEFAULT = new Decoding(0.7, 1.0, 1024);

        public Decoding {
            Problems p = new Problems();
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                p.add("field 'decoding.temperature' must be a finite number >= 0 (was " + temperature + ")");
            }
            if (!(topP > 0 && topP <= 1)) {
                p.add("field 'decoding.top-p' must be in (0, 1] (was " + topP + ")");
            }
            if (maxTokens < 1) {
                p.add("field 'decoding.max-tokens' must be >= 1 (was " + maxTokens + ")");
            }
            p.throwIfAny();
        }
    }

    /** Per-lane throughput caps; 0 means no cap of that kind. */
    public record RateLimit(int requestsPerMinute, long tokensPerMinute) {

        public static final RateLimit UNLIMITED = new RateLimit(0, 0);

        public RateLimit {
            Problems p = new Problems();
            if (requestsPerMinute < 0) {
                p.add("field 'rate-limit.requests-per-minute' must be >= 0, 0 = unlimited (was " + requestsPerMinute + ")");
            }
            if (tokensPerMinute < 0) {
                p.add("field 'rate-limit.tokens-per-minute' must be >= 0, 0 = unlimited (was " + tokensPerMinute + ")");
            }
            p.throwIfAny();
        }

        public boolean limitsRequests() {
            return requestsPerMinute > 0;
        }

        public boolean limitsTokens() {
            return tokensPerMinute > 0;
        }
    }

    /**
     * Retries of transient failures (429, 5xx, timeouts). First in process: up to {@code maxAttempts} calls,
     * exponential backoff from {@code initialBackoff} capped at {@code maxBackoff} (a server's Retry-After takes
     * precedence). Then the request goes to the lane's retry topic and comes back after {@code redeliveryDelay}
     * for another round, at most {@code redeliveries} times; after the last round it is dead-lettered and a
     * FAILED outcome is published. The retry topic keeps long outages out of the lane's poll loop.
     *
     * @param maxAttempts     calls per round including the first, {@code >= 1}
     * @param redeliveries    rounds through the retry topic after the first, {@code >= 0} (0 = dead-letter at once)
     * @param redeliveryDelay how long a request waits on the retry topic, {@code >= 0}
     */
    public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, int redeliveries,
                        Duration redeliveryDelay) {

        public static final int DEFAULT_REDELIVERIES = 2;
        public static final Duration DEFAULT_REDELIVERY_DELAY = Duration.ofSeconds(60);
        public static final Retry DEFAULT = new Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(60));

        /** With the default redeliveries through the retry topic. */
        public Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
            this(maxAttempts, initialBackoff, maxBackoff, DEFAULT_REDELIVERIES, DEFAULT_REDELIVERY_DELAY);
        }

        public Retry {
            Problems p = new Problems();
            p.require(initialBackoff, "retry.initial-backoff");
            p.require(maxBackoff, "retry.max-backoff");
            p.require(redeliveryDelay, "retry.redelivery-delay");
            if (maxAttempts < 1) {
                p.add("field 'retry.max-attempts' must be >= 1, the first call counts (was " + maxAttempts + ")");
            }
            if (initialBackoff != null && initialBackoff.isNegative()) {
                p.add("field 'retry.initial-backoff' must be >= 0 (was " + initialBackoff + ")");
            }
            if (maxBackoff != null && maxBackoff.isNegative()) {
                p.add("field 'retry.max-backoff' must be >= 0 (was " + maxBackoff + ")");
            }
            if (initialBackoff != null && maxBackoff != null && initialBackoff.compareTo(maxBackoff) > 0) {
                p.add("field 'retry.initial-backoff' (" + initialBackoff + ") must not exceed 'retry.max-backoff' ("
                        + maxBackoff + ")");
            }
            if (redeliveries < 0) {
                p.add("field 'retry.redeliveries' must be >= 0 (was " + redeliveries + ")");
            }
            if (redeliveryDelay != null && redeliveryDelay.isNegative()) {
                p.add("field 'retry.redelivery-delay' must be >= 0 (was " + redeliveryDelay + ")");
            }
            p.throwIfAny();
        }

        /** Calls in total over all rounds: what the dead-letter reason reports. */
        public int totalAttempts() {
            return maxAttempts * (1 + redeliveries);
        }
    }

    /**
     * The lane's circuit breaker: over the last {@code window} calls (once at least {@code minimumCalls} were
     * made), when {@code failureRatePercent} or more failed transiently, the lane stops calling the model for
     * {@code openFor}, then lets a few trial calls through and closes again if they succeed. Permanent errors
     * (a content refusal, a bad request) say nothing about the model's health and do not count.
     */
    public record CircuitBreakerPolicy(int failureRatePercent, int minimumCalls, int window, Duration openFor) {

        public static final CircuitBreakerPolicy DEFAULT = new CircuitBreakerPolicy(50, 10, 20, Duration.ofSeconds(30));

        public CircuitBreakerPolicy {
            Problems p = new Problems();
            p.require(openFor, "circuit-breaker.open-for");
            if (failureRatePercent < 1 || failureRatePercent > 100) {
                p.add("field 'circuit-breaker.failure-rate-percent' must be within 1..100 (was " + failureRatePercent + ")");
            }
            if (minimumCalls < 1) {
                p.add("field 'circuit-breaker.minimum-calls' must be >= 1 (was " + minimumCalls + ")");
            }
            if (window < 1) {
                p.add("field 'circuit-breaker.window' must be >= 1 (was " + window + ")");
            }
            if (openFor != null && (openFor.isZero() || openFor.isNegative())) {
                p.add("field 'circuit-breaker.open-for' must be positive (was " + openFor + ")");
            }
            p.throwIfAny();
        }
    }

    /** USD per 1,000 tokens. BigDecimal because costs are summed over ~10^6 responses and compared to budgets. */
    public record Price(BigDecimal inputPer1k, BigDecimal outputPer1k) {

        /** Self-hosted and simulated models cost nothing per token. */
        public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO);

        public Price {
            Problems p = new Problems();
            p.require(inputPer1k, "price.input-per-1k");
            p.require(outputPer1k, "price.output-per-1k");
            if (inputPer1k != null && inputPer1k.signum() < 0) {
                p.add("field 'price.input-per-1k' must be >= 0 (was " + inputPer1k.toPlainString() + ")");
            }
            if (outputPer1k != null && outputPer1k.signum() < 0) {
                p.add("field 'price.output-per-1k' must be >= 0 (was " + outputPer1k.toPlainString() + ")");
            }
            p.throwIfAny();
        }

        /** Cost in USD of one call, rounded to 1e-8 USD (far below any provider's billing unit). */
        public BigDecimal cost(long tokensIn, long tokensOut) {
            BigDecimal in = inputPer1k.multiply(BigDecimal.valueOf(tokensIn));
            BigDecimal out = outputPer1k.multiply(BigDecimal.valueOf(tokensOut));
            return in.add(out).divide(BigDecimal.valueOf(1000), 8, RoundingMode.HALF_UP);
        }
    }

    /** How a simulated model refuses; the simulator picks its wording from this. */
    public enum RefusalStyle {
        /** "I'm sorry, but I can't help with that ..." */
        APOLOGETIC,
        /** One short sentence. */
        BRIEF,
        /** Declines, then offers safe related information. */
        REDIRECT,
        /** Declines and explains the harm at length. */
        LECTURE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return id();
        }

        public static RefusalStyle parse(String value) {
            String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            for (RefusalStyle s : values()) {
                if (s.id().equals(v)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown refusal style '" + value + "'; known: "
                    + String.join(", ", Arrays.stream(values()).map(RefusalStyle::id).toList()));
        }
    }

    /**
     * Offline stand-in behaviour.
     *
     * @param unsafeRate   share of questions answered by complying (unsafe), 0..1: the paper's HarmEval rate / 100
     * @param refusalStyle wording of the other answers
     * @param latency      response time distribution
     * @param faults       injected failures, so the retry paths run offline too
     */
    public record Persona(double unsafeRate, RefusalStyle refusalStyle, Latency latency, Faults faults) {

        public static final RefusalStyle DEFAULT_REFUSAL_STYLE = RefusalStyle.APOLOGETIC;

        public Persona {
            Problems p = new Problems();
            p.require(refusalStyle, "persona.refusal-style");
            p.require(latency, "persona.latency");
            p.require(faults, "persona.faults");
            if (!(unsafeRate >= 0 && unsafeRate <= 1)) {
                p.add("field 'persona.unsafe-rate' must be within 0..1 (a share, not a percentage; was "
                        + unsafeRate + ")");
            }
            p.throwIfAny();
        }

        /** For real providers, which never consult the persona. */
        public static Persona none() {
            return new Persona(0, DEFAULT_REFUSAL_STYLE, Latency.DEFAULT, Faults.NONE);
        }
    }

    /**
     * Simulated response time: a draw of {@code shape} with this mean and standard deviation (normal by default,
     * or lognormal for a long tail), never below min. Milliseconds as long so YAML stays plain numbers.
     */
    public record Latency(long meanMs, long stddevMs, long minMs, LatencyShape shape) {

        public static final Latency DEFAULT = new Latency(500, 200, 50);

        public Latency(long meanMs, long stddevMs, long minMs) {
            this(meanMs, stddevMs, minMs, LatencyShape.NORMAL);
        }

        public Latency {
            Objects.requireNonNull(shape, "shape");
            Problems p = new Problems();
            if (meanMs < 0) {
                p.add("field 'persona.latency.mean-ms' must be >= 0 (was " + meanMs + ")");
            }
            if (stddevMs < 0) {
                p.add("field 'persona.latency.stddev-ms' must be >= 0 (was " + stddevMs + ")");
            }
            if (minMs < 0) {
                p.add("field 'persona.latency.min-ms' must be >= 0 (was " + minMs + ")");
            }
            p.throwIfAny();
        }
    }

    /**
     * Fault injection of the simulated provider: each call fails with HTTP 429 (carrying Retry-After =
     * {@code retryAfter}), HTTP 500, a timeout, or returns garbage, with these probabilities. They are exclusive
     * outcomes of one call, so their sum must not exceed 1.
     */
    public record Faults(double rate429, double rate500, double rateTimeout, double rateGarbage, Duration retryAfter) {

        public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
        public static final Faults NONE = new Faults(0, 0, 0, 0, DEFAULT_RETRY_AFTER);

        public Faults {
            Problems p = new Problems();
            checkRate(p, "persona.faults.rate-429", rate429);
            checkRate(p, "persona.faults.rate-500", rate500);
            checkRate(p, "persona.faults.rate-timeout", rateTimeout);
            checkRate(p, "persona.faults.rate-garbage", rateGarbage);
            double sum = rate429 + rate500 + rateTimeout + rateGarbage;
            if (sum > 1 + 1e-9) {
                p.add("fields 'persona.faults.rate-*' add up to " + sum + "; they are exclusive outcomes of one call "
                        + "and must sum to at most 1");
            }
            p.require(retryAfter, "persona.faults.retry-after");
            if (retryAfter != null && retryAfter.isNegative()) {
                p.add("field 'persona.faults.retry-after' must be >= 0 (was " + retryAfter + ")");
            }
            p.throwIfAny();
        }

        private static void checkRate(Problems p, String field, double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                p.add("field '" + field + "' must be within 0..1 (was " + rate + ")");
            }
        }

        public boolean any() {
            return rate429 + rate500 + rateTimeout + rateGarbage > 0;
        }
    }

    /** Collects every problem of one record so a user fixes them in one go, not one per restart. */
    static final class Problems {
        private final List<String> list = new ArrayList<>();

        void add(String problem) {
            list.add(problem);
        }

        void require(Object value, String field) {
            if (value == null) {
                list.add("field '" + field + "' is required");
            }
        }

        void throwIfAny() {
            if (!list.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", list));
            }
        }
    }
}
