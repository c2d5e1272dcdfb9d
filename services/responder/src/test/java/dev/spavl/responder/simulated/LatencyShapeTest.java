package dev.spavl.responder.simulated;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LatencyShapeTest {

    @Test
    void theLognormalHasTheConfiguredMeanAndStddevAndALongRightTail() {
        Random z = new Random(7);
        int n = 400_000;
        double sum = 0;
        double sumSq = 0;
        int above8s = 0;
        double[] draws = new double[n];
        for (int i = 0; i < n; i++) {
            double x = LatencyShape.LOGNORMAL.sample(3000, 1500, z.nextGaussian());
            draws[i] = x;
            sum += x;
            sumSq += x * x;
            above8s += x > 8000 ? 1 : 0;
        }
        double mean = sum / n;
        double sd = Math.sqrt(sumSq / n - mean * mean);
        assertThat(mean).isCloseTo(3000, within(30.0));
        assertThat(sd).isCloseTo(1500, within(40.0));
        java.util.Arrays.sort(draws);
        assertThat(draws[n / 2]).as("median below the mean: skewed right").isLessThan(2800);
        assertThat(above8s / (double) n).as("share of calls slower than 8 s").isBetween(0.005, 0.03);
        assertThat(draws[0]).isPositive();
    }

    @Test
    void theNormalIsMeanPlusZStddevsAndShapesParseByName() {
        assertThat(LatencyShape.NORMAL.sample(500, 100, 2.0)).isEqualTo(700.0);
        assertThat(LatencyShape.parse(" LogNormal ")).isEqualTo(LatencyShape.LOGNORMAL);
        assertThatThrownBy(() -> LatencyShape.parse("pareto")).hasMessageContaining("normal, lognormal");
    }
}
