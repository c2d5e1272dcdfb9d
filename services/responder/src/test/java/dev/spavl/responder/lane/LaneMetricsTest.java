package dev.spavl.responder.lane;

import dev.spavl.responder.starter.ModelFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The model-error series of docs/metrics.md, now counted from the starter's failure kinds. */
class LaneMetricsTest {

    @Test
    void everyModelErrorKindOfTheMetricsContractIsRegisteredAtStartAndCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LaneMetrics metrics = new LaneMetrics(registry, "m");

        assertThat(registry.find("spavl.responder.model.errors").tag("model", "m").counters())
                .extracting(c -> c.getId().getTag("kind"))
                .containsExactlyInAnyOrder("rate_limited", "server_error", "connection", "timeout", "client_error",
                        "content_blocked", "invalid_output");

        metrics.modelError(new ModelFailure.RateLimited("429"));
        metrics.modelError(new ModelFailure.ConnectionFailed("reset"));
        assertThat(count(registry, "spavl.responder.model.errors", "kind", "rate_limited")).isEqualTo(1);
        assertThat(count(registry, "spavl.responder.model.errors", "kind", "connection")).isEqualTo(1);
        assertThat(count(registry, "spavl.responder.rate.limited", "limit", "provider")).as("a 429 counts as provider throttling")
                .isEqualTo(1);
    }

    private static double count(SimpleMeterRegistry registry, String name, String tag, String value) {
        Counter c = registry.find(name).tags("model", "m", tag, value).counter();
        return c == null ? 0 : c.count();
    }
}
