package dev.spavl.judge.client;

import dev.spavl.judge.config.JudgeConfig;
import dev.spavl.modelclients.ChatModel;
import dev.spavl.modelclients.ChatModels;
import dev.spavl.modelclients.ChatRequest;
import dev.spavl.modelclients.ChatResult;
import dev.spavl.modelclients.Decoding;
import dev.spavl.modelclients.ImageInput;
import dev.spavl.modelclients.ModelCallException;
import dev.spavl.modelclients.ModelEndpoint;
import dev.spavl.modelclients.RetryDelay;
import dev.spavl.modelclients.guard.CallCircuitBreaker;
import dev.spavl.modelclients.guard.CallRateLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One judge model (safety classifier or pairwise judge) behind the same discipline as the responder lanes:
 * rate limits, a circuit breaker and retries of transient failures with backoff and jitter (Retry-After
 * honoured). While the circuit is open, callers wait instead of failing (also a call whose retries ran out
 * during the outage), so consumption pauses and no pair is dropped; {@code spavl_judge_paused{task}} is 1
 * meanwhile. Only failures while the judge is otherwise healthy reach the caller after the retries. Blocking: called on worker threads only.
 * Records tokens and cost per task ({@link JudgeMeters}); the service layer times the judgements.
 */
public final class JudgeModel {

    private static final Logger LOG = Logger.getLogger(JudgeModel.class);
    /** Waiting on an open circuit never gives up: the work stays in Kafka, uncommitted, until the judge is back. */
    private static final Duration FOREVER = Duration.ofDays(3650);

    private final String task;
    private final String name;
    private final String modelName;
    private final ChatModel model;
    private final JudgeConfig.Model settings;
    private final JudgeConfig.Retry retry;
    private final CallRateLimits limits;
    private final CallCircuitBreaker breaker;
    private final AtomicInteger waitingOnCircuit = new AtomicInteger();
    private final Counter tokensIn;
    private final Counter tokensOut;
    private final Counter cost;
    private final MeterRegistry metrics;

    private JudgeModel(String task, JudgeConfig.Model settings, JudgeConfig config, ChatModel model, MeterRegistry metrics) {
        this.task = task;
        this.settings = settings;
        this.retry = config.retry();
        this.model = model;
        this.metrics = metrics;
        this.modelName = settings.modelName().orElseThrow(() -> new IllegalStateException(
                "spavl.judge." + task + ".model-name is required for provider " + settings.provider()));
        this.name = settings.provider() + "/" + modelName;
        Tags tags = Tags.of("task", task);
        this.limits = new CallRateLimits(settings.requestsPerMinute(), settings.tokensPerMinute(), "judge " + task, metrics,
                JudgeMeters.PREFIX, tags);
        JudgeConfig.CircuitBreaker cb = config.circuitBreaker();
        this.breaker = new CallCircuitBreaker(new CallCircuitBreaker.Policy(cb.failureRatePercent(), cb.minimumCalls(), cb.window(),
                cb.openFor()), "judge " + task + " (" + name + ")", metrics, JudgeMeters.PREFIX, tags);
        io.micrometer.core.instrument.Gauge.builder(JudgeMeters.PREFIX + ".paused", waitingOnCircuit, w -> w.get() > 0 ? 1 : 0)
                .tags(tags).description("1 while calls wait for the judge's open circuit (consumption paused)").register(metrics);
        this.tokensIn = JudgeMeters.tokens(metrics, task, "prompt");
        this.tokensOut = JudgeMeters.tokens(metrics, task, "completion");
        this.cost = JudgeMeters.cost(metrics, task);
    }

    /** The HTTP judge for {@code task} ("safety" or "pairwise"); the caller handles {@code offline} itself. */
    public static JudgeModel create(String task, JudgeConfig.Model settings, JudgeConfig config, Vertx vertx, MeterRegistry metrics) {
        String where = "spavl.judge." + task;
        if (!ChatModels.KNOWN_PROVIDERS.contains(settings.provider())) {
            throw new IllegalStateException(where + ".provider = '" + settings.provider() + "' is unknown; use offline or one of "
                    + ChatModels.KNOWN_PROVIDERS);
        }
        var endpoint = settings.endpoint().orElseThrow(() -> new IllegalStateException(
                where + ".endpoint is required for provider " + settings.provider()));
        String key = null;
        if (settings.apiKeyEnv().isPresent()) {
            key = System.getenv(settings.apiKeyEnv().get());
            if (key == null) {
                throw new IllegalStateException(where + ".api-key-env names " + settings.apiKeyEnv().get() + ", which is not set");
            }
        }
        ChatModel model = ChatModels.create(vertx, new ModelEndpoint(settings.provider(), endpoint, key, settings.timeout()));
        return new JudgeModel(task, settings, config, model, metrics);
    }

    /** provider/model, as recorded in events. */
    public String name() {
        return name;
    }

    /**
     * One judgement call with retries. Waits while the circuit is open.
     *
     * @throws ModelCallException a permanent failure (refusal by the API, bad request), or the last transient
     *                            one after {@code retry.max-attempts} while the circuit is closed
     */
    public ChatResult complete(String system, String user, ImageInput image, String subject) throws InterruptedException {
        ChatRequest request = new ChatRequest(modelName, system, user, image,
                new Decoding(settings.temperature(), 1.0, settings.maxTokens()));
        int estimate = CallRateLimits.estimateTokens(system, user, settings.maxTokens());
        for (int attempt = 1; ; attempt++) {
            limits.acquire(estimate);
            awaitCircuit(subject);
            long t0 = System.nanoTime();
            try {
                ChatResult result = model.complete(request).await().atMost(settings.timeout().plusSeconds(5));
                long nanos = System.nanoTime() - t0;
                breaker.onSuccess(nanos);
                limits.charge(estimate, result.tokensIn() + result.tokensOut());
                tokensIn.increment(result.tokensIn());
                tokensOut.increment(result.tokensOut());
                cost.increment(cost(result.tokensIn(), result.tokensOut()).doubleValue());
                return result;
            } catch (ModelCallException e) {
                breaker.onError(System.nanoTime() - t0, e);
                metrics.counter(JudgeMeters.PREFIX + ".model.errors", "task", task, "kind", e.kind().name().toLowerCase(java.util.Locale.ROOT))
                        .increment();
                if (!e.retryable()) {
                    throw e;
                }
                if (attempt >= retry.maxAttempts()) {
                    if (!breaker.isOpen()) {
                        throw e;
                    }
                    // an outage, not this request's fault: wait for the circuit, then start the attempts over
                    LOG.infof("judge %s %s: the judge is down (circuit open); waiting instead of giving up", task, subject);
                    attempt = 0;
                    continue;
                }
                Duration wait = RetryDelay.after(e, attempt, retry.initialBackoff(), retry.maxBackoff());
                LOG.debugf("judge %s %s: %s, attempt %d of %d in %s", task, subject, e.kind(), attempt + 1, retry.maxAttempts(), wait);
                Thread.sleep(wait.toMillis());
            }
        }
    }

    private void awaitCircuit(String subject) throws InterruptedException {
        if (!breaker.isOpen()) {
            if (breaker.awaitPermission(Duration.ZERO, () -> true)) {
                return;
            }
        }
        waitingOnCircuit.incrementAndGet();
        try {
            LOG.debugf("judge %s %s waits for the circuit to close", task, subject);
            breaker.awaitPermission(FOREVER, () -> true);
        } finally {
            waitingOnCircuit.decrementAndGet();
        }
    }

    public BigDecimal cost(int in, int out) {
        return settings.priceInputPer1k().multiply(BigDecimal.valueOf(in)).add(settings.priceOutputPer1k().multiply(BigDecimal.valueOf(out)))
                .divide(BigDecimal.valueOf(1000), 8, RoundingMode.HALF_UP);
    }
}
