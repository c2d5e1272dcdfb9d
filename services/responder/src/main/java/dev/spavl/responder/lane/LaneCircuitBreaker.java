package dev.spavl.responder.lane;

import dev.spavl.modelclients.ModelCallException;
import dev.spavl.responder.catalog.ModelSpec;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A lane's circuit breaker (Resilience4j): too many transient failures (429, 5xx, timeouts, resets) in the
 * recent calls open it, the lane then pauses its consumption and makes no calls for {@code open-for}, lets
 * a few trial calls through (half-open), and closes again on its own when they succeed. Every transition is
 * logged with the model, and {@code spavl.responder.circuit.state{model}} shows the state: 0 closed,
 * 1 open, 2 half-open.
 */
final class LaneCircuitBreaker {

    private static final Logger LOG = Logger.getLogger(LaneCircuitBreaker.class);

    private final CircuitBreaker breaker;

    LaneCircuitBreaker(ModelSpec.CircuitBreakerPolicy policy, String model, MeterRegistry metrics) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(policy.window())
                .minimumNumberOfCalls(Math.min(policy.minimumCalls(), policy.window()))
                .failureRateThreshold(policy.failureRatePercent())
                .waitDurationInOpenState(policy.openFor())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(Math.min(3, policy.window()))
                // permanent errors (refusals, bad requests) say nothing about the model being down
                .recordException(e -> e instanceof ModelCallException m && m.retryable())
                .build();
        this.breaker = CircuitBreaker.of(model, config);
        breaker.getEventPublisher().onStateTransition(e -> {
            switch (e.getStateTransition().getToState()) {
                case OPEN -> LOG.warnf("lane %s: circuit OPEN after %.0f%% transient failures; no calls and no new "
                        + "requests for %s, then trial calls", model, breaker.getMetrics().getFailureRate(), policy.openFor());
                case HALF_OPEN -> LOG.infof("lane %s: circuit HALF_OPEN, trying the model again", model);
                case CLOSED -> LOG.infof("lane %s: circuit CLOSED, the model answers again", model);
                default -> LOG.infof("lane %s: circuit %s", model, e.getStateTransition());
            }
        });
        metrics.gauge("spavl.responder.circuit.state", Tags.of("model", model), breaker, LaneCircuitBreaker::stateCode);
    }

    private static double stateCode(CircuitBreaker b) {
        return switch (b.getState()) {
            case CLOSED, DISABLED, METRICS_ONLY -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
        };
    }

    boolean isOpen() {
        CircuitBreaker.State s = breaker.getState();
        return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
    }

    /**
     * Waits until a call is permitted, at most {@code patience}; returns false when the caller should hand the
     * request on (to the retry topic) instead of waiting longer, or when {@code stillWanted} turns false.
     */
    boolean awaitPermission(Duration patience, java.util.function.BooleanSupplier stillWanted) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!breaker.tryAcquirePermission()) {
            if (System.nanoTime() >= deadline || !stillWanted.getAsBoolean()) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    void onSuccess(long nanos) {
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }

    void onError(long nanos, Throwable error) {
        breaker.onError(nanos, TimeUnit.NANOSECONDS, error);
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }
}
