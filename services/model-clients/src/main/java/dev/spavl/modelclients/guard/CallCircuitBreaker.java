package dev.spavl.modelclients.guard;

import dev.spavl.modelclients.ModelCallException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A circuit breaker around one model's calls (Resilience4j): too many transient failures (429, 5xx,
 * timeouts, resets) among the recent calls open it; the caller then makes no calls for {@code openFor}, lets
 * a few trial calls through (half-open), and closes again on its own when they succeed. Permanent errors
 * (a content refusal, a bad request) say nothing about the model being down and count as successes. Every
 * transition is logged with the name, and the gauge {@code <metricPrefix>.circuit.state} shows the state by
 * severity: 0 closed, 1 half-open, 2 open (so {@code max} over instances is the worst state).
 */
public final class CallCircuitBreaker {

    private static final Logger LOG = Logger.getLogger(CallCircuitBreaker.class);

    private final CircuitBreaker breaker;

    /**
     * @param name          what the log lines call it, e.g. "lane llava-1.5-7b"
     * @param metricPrefix  e.g. {@code spavl.responder}: the gauge is {@code <prefix>.circuit.state}
     * @param tags          tags of the gauge, e.g. {@code model=llava-1.5-7b}
     */
    public CallCircuitBreaker(Policy policy, String name, MeterRegistry metrics, String metricPrefix, Tags tags) {
        this(policy, name, metrics, metricPrefix, tags, e -> e instanceof ModelCallException m && m.retryable());
    }

    /**
     * @param transientFailure which errors passed to {@link #onError} count as failures; the others (permanent
     *                         errors, which say nothing about the model being down) count as successes. The
     *                         other constructor counts retryable {@link ModelCallException}s.
     */
    public CallCircuitBreaker(Policy policy, String name, MeterRegistry metrics, String metricPrefix, Tags tags,
                              Predicate<Throwable> transientFailure) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(policy.window())
                .minimumNumberOfCalls(Math.min(policy.minimumCalls(), policy.window()))
                .failureRateThreshold(policy.failureRatePercent())
                .waitDurationInOpenState(policy.openFor())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(Math.min(3, policy.window()))
                .recordException(transientFailure)
                .build();
        this.breaker = CircuitBreaker.of(name, config);
        breaker.getEventPublisher().onStateTransition(e -> {
            switch (e.getStateTransition().getToState()) {
                case OPEN -> LOG.warnf("%s: circuit OPEN after %.0f%% transient failures; no calls and no new "
                        + "work for %s, then trial calls", name, breaker.getMetrics().getFailureRate(), policy.openFor());
                case HALF_OPEN -> LOG.infof("%s: circuit HALF_OPEN, trying the model again", name);
                case CLOSED -> LOG.infof("%s: circuit CLOSED, the model answers again", name);
                default -> LOG.infof("%s: circuit %s", name, e.getStateTransition());
            }
        });
        io.micrometer.core.instrument.Gauge.builder(metricPrefix + ".circuit.state", breaker, CallCircuitBreaker::stateCode)
                .tags(tags).description("circuit breaker state: 0 closed, 1 half-open, 2 open").register(metrics);
    }

    /**
     * When to open: {@code failureRatePercent} or more transient failures among the last {@code window} calls,
     * judged once {@code minimumCalls} were made; stay open for {@code openFor}.
     */
    public record Policy(int failureRatePercent, int minimumCalls, int window, Duration openFor) {

        public static final Policy DEFAULT = new Policy(50, 10, 20, Duration.ofSeconds(30));

        public Policy {
            java.util.List<String> problems = new java.util.ArrayList<>();
            if (failureRatePercent < 1 || failureRatePercent > 100) {
                problems.add("failure-rate-percent must be within 1..100 (was " + failureRatePercent + ")");
            }
            if (minimumCalls < 1) {
                problems.add("minimum-calls must be >= 1 (was " + minimumCalls + ")");
            }
            if (window < 1) {
                problems.add("window must be >= 1 (was " + window + ")");
            }
            if (openFor == null || openFor.isZero() || openFor.isNegative()) {
                problems.add("open-for must be positive (was " + openFor + ")");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("circuit breaker: " + String.join("; ", problems));
            }
        }
    }

    static double stateCode(CircuitBreaker b) {
        return switch (b.getState()) {
            case CLOSED, DISABLED, METRICS_ONLY -> 0;
            case HALF_OPEN -> 1;
            case OPEN, FORCED_OPEN -> 2;
        };
    }

    public boolean isOpen() {
        CircuitBreaker.State s = breaker.getState();
        return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
    }

    /**
     * Waits until a call is permitted, at most {@code patience}; returns false when the caller should hand the
     * request on (to the retry topic) instead of waiting longer, or when {@code stillWanted} turns false.
     */
    public boolean awaitPermission(Duration patience, java.util.function.BooleanSupplier stillWanted) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!breaker.tryAcquirePermission()) {
            if (System.nanoTime() >= deadline || !stillWanted.getAsBoolean()) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    public void onSuccess(long nanos) {
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }

    public void onError(long nanos, Throwable error) {
        breaker.onError(nanos, TimeUnit.NANOSECONDS, error);
    }

    public CircuitBreaker.State state() {
        return breaker.getState();
    }
}
