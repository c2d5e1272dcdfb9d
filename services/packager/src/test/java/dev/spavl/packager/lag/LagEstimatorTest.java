package dev.spavl.packager.lag;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LagEstimatorTest {

    private final Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
    private final LagEstimator lag = new LagEstimator(Duration.ofMinutes(1));

    @Test
    void theFirstObservationKnowsTheRecordsButNotTheRate() {
        LagEstimator.Estimate e = lag.observe("g|t", t0, 100, 400);
        assertThat(e.records()).isEqualTo(300);
        assertThat(e.ratePerSecond()).isNaN();
        assertThat(e.seconds()).isNaN();
    }

    @Test
    void secondsAreTheWaitingRecordsOverTheRecentRate() {
        lag.observe("g|t", t0, 100, 400);
        LagEstimator.Estimate e = lag.observe("g|t", t0.plusSeconds(10), 150, 450);
        // 50 records in 10 s = 5/s; 300 waiting -> 60 s
        assertThat(e.records()).isEqualTo(300);
        assertThat(e.ratePerSecond()).isCloseTo(5.0, within(1e-9));
        assertThat(e.seconds()).isCloseTo(60.0, within(1e-9));
    }

    @Test
    void nothingWaitingIsZeroSecondsAndAStuckGroupIsInfinity() {
        lag.observe("idle|t", t0, 100, 100);
        assertThat(lag.observe("idle|t", t0.plusSeconds(10), 100, 100).seconds()).isZero();

        lag.observe("stuck|t", t0, 100, 200);
        LagEstimator.Estimate stuck = lag.observe("stuck|t", t0.plusSeconds(10), 100, 250);
        assertThat(stuck.records()).isEqualTo(150);
        assertThat(stuck.ratePerSecond()).isZero();
        assertThat(stuck.seconds()).isInfinite();
    }

    @Test
    void theRateSpansTheWindowOnly() {
        lag.observe("g|t", t0, 0, 10_000);
        lag.observe("g|t", t0.plusSeconds(30), 3_000, 10_000);   // 100/s in the first half minute
        lag.observe("g|t", t0.plusSeconds(60), 3_000, 10_000);   // then nothing
        LagEstimator.Estimate e = lag.observe("g|t", t0.plusSeconds(95), 3_350, 10_000);
        // the window (60 s) reaches back to the observation at 30 s: 350 records in 65 s
        assertThat(e.ratePerSecond()).isCloseTo(350 / 65.0, within(1e-9));
        assertThat(e.seconds()).isCloseTo(6_650 / (350 / 65.0), within(1e-6));
    }

    @Test
    void anOffsetResetBackwardsIsNoProgressAndCommitsAheadOfTheEndAreNoLag() {
        lag.observe("g|t", t0, 500, 600);
        LagEstimator.Estimate reset = lag.observe("g|t", t0.plusSeconds(5), 100, 600);
        assertThat(reset.ratePerSecond()).isZero();
        assertThat(lag.observe("h|t", t0, 700, 600).records()).isZero();
    }

    @Test
    void forgottenKeysStartAfresh() {
        lag.observe("g|t", t0, 0, 100);
        lag.retainOnly(Set.of());
        assertThat(lag.observe("g|t", t0.plusSeconds(10), 50, 100).ratePerSecond()).isNaN();
    }

    @Test
    void theWindowMustBePositive() {
        assertThatThrownBy(() -> new LagEstimator(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
