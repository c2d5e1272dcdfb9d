package dev.spavl.responder.lane;

import dev.spavl.responder.catalog.ModelSpec.RateLimit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LaneThrottleTest {

    @Test
    void unlimitedNeverWaits() throws InterruptedException {
        LaneThrottle t = new LaneThrottle(RateLimit.UNLIMITED, "m", new SimpleMeterRegistry());
        assertThat(t.unlimited()).isTrue();
        for (int i = 0; i < 100; i++) {
            assertThat(t.acquire(10_000)).isZero();
        }
    }

    @Test
    void requestsPerMinuteAreSpreadEvenly() {
        assertThat(LaneThrottle.requestsConfig(120).getLimitRefreshPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(LaneThrottle.requestsConfig(120).getLimitForPeriod()).isEqualTo(1);
        assertThat(LaneThrottle.requestsConfig(7).getLimitRefreshPeriod().toMillis()).isEqualTo(8571);
    }

    @Test
    void tokensPerMinuteUseSecondsWhenTheQuotaIsLargeEnough() {
        assertThat(LaneThrottle.tokensConfig(600_000).getLimitForPeriod()).isEqualTo(10_000);
        assertThat(LaneThrottle.tokensConfig(600_000).getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(LaneThrottle.tokensConfig(5_000).getLimitForPeriod()).isEqualTo(5_000);
        assertThat(LaneThrottle.tokensConfig(5_000).getLimitRefreshPeriod()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aCallThatWouldExceedTheTokenQuotaWaitsForTheNextCycleAndIsCounted() throws InterruptedException {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        // 12,000 tokens/min = 200 per second: two calls estimated at 150 tokens cannot share a second
        LaneThrottle t = new LaneThrottle(new RateLimit(0, 12_000), "m", metrics);
        t.acquire(150);
        Duration second = t.acquire(150);
        assertThat(second).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(metrics.counter("spavl.responder.rate.limited", "model", "m", "limit", "tokens-per-minute").count()).isEqualTo(1);
    }

    @Test
    void theEstimateCountsPromptImageAndAnswerCap() {
        assertThat(LaneThrottle.estimateTokens("abcd", "efghijkl", 100)).isEqualTo(3 + LaneThrottle.IMAGE_TOKENS_ESTIMATE + 100);
        assertThat(LaneThrottle.estimateTokens(null, null, 1)).isEqualTo(LaneThrottle.IMAGE_TOKENS_ESTIMATE + 1);
    }
}
