package dev.spavl.responder.lane;

import dev.spavl.events.ErrorKind;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.modelclients.RetryDelay;
import dev.spavl.modelclients.guard.CallCircuitBreaker;
import dev.spavl.modelclients.guard.CallRateLimits;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.mapping.ResponseMapping;
import dev.spavl.responder.starter.Answer;
import dev.spavl.responder.starter.Image;
import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.responder.starter.ModelResponder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A lane's calls of its model for one request: the lane's rate limits and circuit breaker, in-process retries of
 * transient failures (exponential backoff with jitter, Retry-After honoured) up to {@code retry.max-attempts} per
 * round, and the decision what the round ends in. Invariant: it writes nothing to Kafka; what to write is the
 * {@link Result} (an outcome, another round on the retry topic, or a dead letter plus a FAILED outcome). Thread-safe:
 * every worker of the lane uses it.
 */
final class ModelCall {

    private static final Logger LOG = Logger.getLogger(Lane.class); // the lane's log category, one for all its parts

    /** How a round ended. */
    sealed interface Result permits Publish, Redeliver, GiveUp {
    }

    /** Publish this outcome; {@code how} is its {@code requests_total} tag. */
    record Publish(ResponseOutcome outcome, LaneMetrics.Outcome how) implements Result {
        static Publish of(ResponseOutcome outcome) {
            return new Publish(outcome, outcome.getStatus() == ResponseStatus.OK ? LaneMetrics.Outcome.OK : LaneMetrics.Outcome.FAILED);
        }
    }

    /** Another round: the request goes to the retry topic with the calls made so far and the reason. */
    record Redeliver(int attemptsSoFar, String reason) implements Result {
    }

    /** Retries ran out: the request goes to the dead-letter topic with {@code reason}, then the FAILED outcome is published. */
    record GiveUp(ResponseOutcome outcome, String reason, int attempts) implements Result {
    }

    private final ModelSpec spec;
    private final ModelResponder model;
    private final CallRateLimits throttle;
    private final CallCircuitBreaker breaker;
    private final LaneMetrics metrics;
    private final BooleanSupplier running;

    ModelCall(ModelSpec spec, ModelResponder model, MeterRegistry registry, LaneMetrics metrics, BooleanSupplier running) {
        this.spec = spec;
        this.model = model;
        this.metrics = metrics;
        this.running = running;
        Tags modelTag = Tags.of("model", spec.id());
        this.throttle = new CallRateLimits(spec.rateLimit().requestsPerMinute(), spec.rateLimit().tokensPerMinute(),
                "lane " + spec.id(), registry, LaneMetrics.PREFIX, modelTag);
        ModelSpec.CircuitBreakerPolicy cb = spec.circuitBreaker();
        // permanent failures (refusals, bad requests) say nothing about the model being down
        this.breaker = new CallCircuitBreaker(new CallCircuitBreaker.Policy(cb.failureRatePercent(), cb.minimumCalls(), cb.window(),
                cb.openFor()), "lane " + spec.id(), registry, LaneMetrics.PREFIX, modelTag,
                e -> e instanceof ModelFailure f && f.retryable());
    }

    boolean circuitOpen() {
        return breaker.isOpen();
    }

    Object circuitState() {
        return breaker.state();
    }

    boolean unlimited() {
        return throttle.unlimited();
    }

    /**
     * One round of calls for {@code req}, the {@code prior} calls of earlier rounds counted. While the lane drains a
     * request that would wait for another call goes to the retry topic instead.
     */
    Result answer(ResponseRequested req, Image image, int prior) throws InterruptedException {
        int estimate = CallRateLimits.estimateTokens(spec.systemPrompt(), req.getText(), spec.decoding().maxTokens());
        int budget = spec.retry().maxAttempts();
        // one open period plus the trial calls: then the request waits on the retry topic instead
        Duration patience = spec.circuitBreaker().openFor().plusSeconds(5);
        ModelFailure last = null;
        int calls = 0;
        while (calls < budget) {
            throttle.acquire(estimate);
            if (!breaker.awaitPermission(patience, running)) {
                return new Redeliver(prior + calls, "circuit open" + (last == null ? "" : "; last error: " + last.getMessage()));
            }
            calls++;
            if (prior + calls > 1) {
                metrics.retried();
            }
            var question = ResponseMapping.question(req, prior + calls);
            long t0 = System.nanoTime();
            Answer answer;
            try {
                answer = model.answer(question, image);
                if (answer == null) {
                    throw new IllegalStateException("the model returned no answer (null)");
                }
            } catch (RuntimeException thrown) {
                // anything but a ModelFailure is a bug in the model's code (a team's own responder, say): it takes
                // the retryable server-error path, so the request ends on the dead-letter topic with the reason and
                // can be replayed once fixed, instead of stopping the lane on every restart
                ModelFailure e = thrown instanceof ModelFailure f ? f : unexpected(req, thrown);
                breaker.onError(System.nanoTime() - t0, e);
                last = e;
                metrics.modelError(e);
                if (!e.retryable()) {
                    LOG.warnf("lane %s question %s: %s (not retried)", spec.id(), req.getQuestionId(), e.getMessage());
                    return Publish.of(failed(req, ResponseMapping.errorKind(e.kind()), e.getMessage(), prior + calls));
                }
                if (calls < budget) {
                    if (!running.getAsBoolean()) {
                        break; // draining: no more waiting here, the retry topic has the request
                    }
                    Duration wait = RetryDelay.after(e.retryAfter(), calls, spec.retry().initialBackoff(), spec.retry().maxBackoff());
                    LOG.debugf("lane %s question %s: %s, call %d of %d in this round in %s", spec.id(), req.getQuestionId(),
                            e.kind(), calls + 1, budget, wait);
                    Thread.sleep(wait.toMillis());
                }
                continue;
            }
            // the lane's own bookkeeping, outside the try: its failures are not the model's
            long elapsed = System.nanoTime() - t0;
            breaker.onSuccess(elapsed);
            throttle.charge(estimate, answer.promptTokens() + answer.completionTokens());
            return Publish.of(ResponseMapping.ok(spec, req, answer, elapsed, prior + calls));
        }
        int total = prior + calls;
        if (total >= spec.retry().totalAttempts()) {
            return new GiveUp(failed(req, ResponseMapping.errorKind(last.kind()), last.getMessage(), total),
                    "gave up after " + total + " attempts: " + last.getMessage(), total);
        }
        return new Redeliver(total, last == null ? null : last.getMessage());
    }

    /** A FAILED outcome, with the warning every FAILED request gets in the log. */
    ResponseOutcome failed(ResponseRequested req, ErrorKind kind, String message, int attempts) {
        LOG.warnf("lane %s question %s (run %s): FAILED %s: %s", spec.id(), req.getQuestionId(), req.getRunId(), kind, message);
        return ResponseMapping.failed(spec, req, kind, message, attempts);
    }

    private ModelFailure unexpected(ResponseRequested req, RuntimeException thrown) {
        LOG.errorf(thrown, "lane %s question %s: the model threw %s instead of a ModelFailure; treated as a server error",
                spec.id(), req.getQuestionId(), thrown.getClass().getName());
        return ModelFailure.of(ModelFailure.Kind.SERVER_ERROR,
                "unexpected " + thrown.getClass().getName() + ": " + thrown.getMessage(), null, thrown);
    }
}
