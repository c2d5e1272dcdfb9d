package dev.spavl.modelclients.guard;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests-per-minute and tokens-per-minute limits of one model's calls (Resilience4j rate limiters). A call reserves
 * one request and its estimated tokens and waits until both are available, so calls queue fairly instead
 * of failing. Tokens are estimated before the call (prompt characters / 4, a fixed share for the image, and
 * the max_tokens cap, as providers count them against a tokens-per-minute quota); when the call used more,
 * the difference is reserved afterwards so later calls pay for it. Never stalls silently: each wait of 100 ms or
 * more counts in {@code <metricPrefix>.rate.limited{<tags>,limit=requests_per_minute|tokens_per_minute}}; waits over a second are logged, at most
 * one line per 30 s.
 */
public final class CallRateLimits {

    private static final Logger LOG = Logger.getLogger(CallRateLimits.class);
    /** Rough token cost of one image across providers (OpenAI: 85-765 per tile set, Gemini: 258). */
    public static final int IMAGE_TOKENS_ESTIMATE = 765;
    private static final long NOTABLE_WAIT_NANOS = Duration.ofMillis(100).toNanos();
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(30).toNanos();
    /** Reservations never fail; a long queue shows as long waits, in metrics and logs. */
    private static final Duration NO_TIMEOUT = Duration.ofDays(1);

    private final String name;
    private final RateLimiter requests;
    private final RateLimiter tokens;
    private final int tokensPerCycle;
    private final Counter requestWaits;
    private final Counter tokenWaits;
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong waitsSinceLog = new AtomicLong();

    /**
     * @param requestsPerMinute 0 = unlimited
     * @param tokensPerMinute   0 = unlimited
     * @param name              what the log lines call it, e.g. "lane llava-1.5-7b"
     */
    public CallRateLimits(int requestsPerMinute, long tokensPerMinute, String name, MeterRegistry metrics, String metricPrefix,
                          Tags tags) {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException(name + ": rate limits must be >= 0, 0 = unlimited");
        }
        this.name = name;
        this.requests = requestsPerMinute > 0 ? RateLimiter.of(name + "-requests", requestsConfig(requestsPerMinute)) : null;
        RateLimiterConfig tokenConfig = tokensPerMinute > 0 ? tokensConfig(tokensPerMinute) : null;
        this.tokens = tokenConfig == null ? null : RateLimiter.of(name + "-tokens", tokenConfig);
        this.tokensPerCycle = tokenConfig == null ? 0 : tokenConfig.getLimitForPeriod();
        this.requestWaits = rateLimited(metrics, metricPrefix, tags, "requests_per_minute");
        this.tokenWaits = rateLimited(metrics, metricPrefix, tags, "tokens_per_minute");
    }

    /**
     * The throttling counter {@code <metricPrefix>.rate.limited{<tags>,limit}}: {@code limit} is
     * {@code requests_per_minute} or {@code tokens_per_minute} (our own limits, counted here) or {@code provider}
     * (the provider answered 429; counted by the caller through this method).
     */
    public static Counter rateLimited(MeterRegistry metrics, String metricPrefix, Tags tags, String limit) {
        return Counter.builder(metricPrefix + ".rate.limited").tags(tags.and("limit", limit))
                .description("calls throttled: waits of 100 ms or more for our own rate limit, or 429 answers (limit=provider)")
                .register(metrics);
    }

    /** Requests spread evenly: one per 60 s / rpm, no burst above the provider's rate. */
    static RateLimiterConfig requestsConfig(int rpm) {
        return RateLimiterConfig.custom().limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofNanos(Duration.ofMinutes(1).toNanos() / rpm))
                .timeoutDuration(NO_TIMEOUT).build();
    }

    /** Tokens per second when the quota is large enough, else per minute (a call never needs more than one cycle). */
    static RateLimiterConfig tokensConfig(long tpm) {
        boolean perSecond = tpm >= 6_000;
        long perCycle = perSecond ? tpm / 60 : tpm;
        return RateLimiterConfig.custom().limitForPeriod((int) Math.min(Integer.MAX_VALUE, perCycle))
                .limitRefreshPeriod(perSecond ? Duration.ofSeconds(1) : Duration.ofMinutes(1))
                .timeoutDuration(NO_TIMEOUT).build();
    }

    public static int estimateTokens(String systemPrompt, String question, int maxTokens) {
        int chars = (systemPrompt == null ? 0 : systemPrompt.length()) + (question == null ? 0 : question.length());
        return chars / 4 + IMAGE_TOKENS_ESTIMATE + maxTokens;
    }

    public boolean unlimited() {
        return requests == null && tokens == null;
    }

    /** Waits for one request and {@code estimatedTokens}; returns how long it waited. */
    public Duration acquire(int estimatedTokens) throws InterruptedException {
        long waited = 0;
        if (requests != null) {
            long wait = waitFor(requests, 1);
            if (wait >= NOTABLE_WAIT_NANOS) {
                requestWaits.increment();
            }
            waited += wait;
        }
        if (tokens != null) {
            long wait = waitFor(tokens, Math.min(estimatedTokens, tokensPerCycle));
            if (wait >= NOTABLE_WAIT_NANOS) {
                tokenWaits.increment();
            }
            waited += wait;
        }
        Duration d = Duration.ofNanos(waited);
        if (d.toMillis() > 1000) {
            logThrottled(d);
        }
        return d;
    }

    /** The call used more tokens than estimated: later calls wait for the difference. */
    public void charge(int estimatedTokens, int usedTokens) {
        if (tokens != null && usedTokens > estimatedTokens) {
            tokens.reservePermission(Math.min(usedTokens - estimatedTokens, tokensPerCycle));
        }
    }

    private static long waitFor(RateLimiter limiter, int permits) throws InterruptedException {
        long nanos = limiter.reservePermission(Math.max(1, permits));
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
        return Math.max(0, nanos);
    }

    private void logThrottled(Duration waited) {
        long n = waitsSinceLog.incrementAndGet();
        long last = lastLog.get();
        long now = System.nanoTime();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
            waitsSinceLog.addAndGet(-n);
            LOG.infof("%s throttled by its own rate limit: %d call(s) waited over 1 s since the last report, "
                    + "the latest %d ms", name, n, waited.toMillis());
        }
    }
}
