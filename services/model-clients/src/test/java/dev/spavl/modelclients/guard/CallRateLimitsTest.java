package dev.spavl.modelclients.guard;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class CallRateLimitsTest {

    @Test
    void unlimitedNeverWaits() throws InterruptedException {
        CallRateLimits t = new CallRateLimits(0, 0, "m", new SimpleMeterRegistry(), "test", Tags.of("model", "m"));
        assertThat(t.unlimited()).isTrue();
        for (int i = 0; i < 100; i++) {
            assertThat(t.acquire(10_000)).isZero();
        }
    }

    @Test
    void requestsPerMinuteAreSpreadEvenly() {
        assertThat(CallRateLimits.requestsConfig(120).getLimitRefreshPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(CallRateLimits.requestsConfig(120).getLimitForPeriod()).isEqualTo(1);
        assertThat(CallRateLimits.requestsConfig(7).getLimitRefreshPeriod().toMillis()).isEqualTo(8571);
    }

    @Test
    void tokensPerMinuteUseSecondsWhenTheQuotaIsLargeEnough() {
        assertThat(CallRateLimits.tokensConfig(600_000).getLimitForPeriod()).isEqualTo(10_000);
        assertThat(CallRateLimits.tokensConfig(600_000).getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(CallRateLimits.tokensConfig(5_000).getLimitForPeriod()).isEqualTo(5_000);
        assertThat(CallRateLimits.tokensConfig(5_000).getLimitRefreshPeriod()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aCallThatWouldExceedTheTokenQuotaWaitsForTheNextCycleAndIsCounted() throws InterruptedException {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        // 12,000 tokens/min = 200 per second: two calls estimated at 150 tokens cannot share a second
        CallRateLimits t = new CallRateLimits(0, 12_000, "m", metrics, "test", Tags.of("model", "m"));
        t.acquire(150);
        Duration second = t.acquire(150);
        assertThat(second).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(metrics.counter("test.rate.limited", "model", "m", "limit", "tokens_per_minute").count()).isEqualTo(1);
    }

    @Test
    void theEstimateCountsPromptImageAndAnswerCap() {
        assertThat(CallRateLimits.estimateTokens("abcd", "efghijkl", 100)).isEqualTo(3 + CallRateLimits.IMAGE_TOKENS_ESTIMATE + 100);
        assertThat(CallRateLimits.estimateTokens(null, null, 1)).isEqualTo(CallRateLimits.IMAGE_TOKENS_ESTIMATE + 1);
    }
}
