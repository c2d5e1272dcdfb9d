package dev.spavl.modelclients.guard;

import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.modelclients.ModelCallException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallCircuitBreakerTest {

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @Test
    void transientFailuresOpenItAndItRecoversOnItsOwn() throws InterruptedException {
        CallCircuitBreaker b = new CallCircuitBreaker(new CallCircuitBreaker.Policy(50, 2, 4, Duration.ofSeconds(2)), "test", metrics,
                "test", Tags.of("model", "m"));
        for (int i = 0; i < 2; i++) {
            assertThat(b.awaitPermission(Duration.ZERO, () -> true)).isTrue();
            b.onError(1_000, new ModelCallException(ModelFailure.Kind.SERVER_ERROR, "openai", "m", "503"));
        }
        assertThat(b.isOpen()).isTrue();
        assertThat(metrics.get("test.circuit.state").tag("model", "m").gauge().value()).as("2 = open").isEqualTo(2.0);
        assertThat(b.awaitPermission(Duration.ofMillis(50), () -> true)).as("no call while open").isFalse();

        // after open-for (2 s: long enough that a loaded machine still sees it open above) it lets trial calls
        // through and closes when they succeed
        assertThat(b.awaitPermission(Duration.ofSeconds(5), () -> true)).isTrue();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(metrics.get("test.circuit.state").tag("model", "m").gauge().value()).as("1 = half-open").isEqualTo(1.0);
        b.onSuccess(1_000);
        for (int i = 0; i < 2; i++) {
            assertThat(b.awaitPermission(Duration.ZERO, () -> true)).isTrue();
            b.onSuccess(1_000);
        }
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(metrics.get("test.circuit.state").tag("model", "m").gauge().value()).isZero();
    }

    @Test
    void permanentErrorsDoNotOpenIt() {
        CallCircuitBreaker b = new CallCircuitBreaker(new CallCircuitBreaker.Policy(50, 2, 4, Duration.ofSeconds(30)), "test", metrics,
                "test", Tags.of("model", "p"));
        for (int i = 0; i < 4; i++) {
            b.onError(1_000, new ModelCallException(ModelFailure.Kind.CONTENT_BLOCKED, "openai", "m", "refused"));
        }
        assertThat(b.isOpen()).isFalse();
    }

    @Test
    void aWaiterGivesUpWhenNoLongerWanted() throws InterruptedException {
        CallCircuitBreaker b = new CallCircuitBreaker(new CallCircuitBreaker.Policy(1, 1, 1, Duration.ofMinutes(5)), "test", metrics,
                "test", Tags.of("model", "w"));
        b.onError(1_000, new ModelCallException(ModelFailure.Kind.TIMEOUT, "openai", "m", "slow"));
        assertThat(b.awaitPermission(Duration.ofMinutes(5), () -> false)).isFalse();
    }

    @Test
    void aBadPolicyNamesEveryProblem() {
        assertThatThrownBy(() -> new CallCircuitBreaker.Policy(0, 0, 1, Duration.ZERO))
                .hasMessageContaining("failure-rate-percent").hasMessageContaining("minimum-calls").hasMessageContaining("open-for");
    }
}
