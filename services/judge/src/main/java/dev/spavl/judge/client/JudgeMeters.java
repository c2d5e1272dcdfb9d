package dev.spavl.judge.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The judge's per-task meters ({@code task} = {@code safety} or {@code pairwise}), in one place because the
 * service layer registers them at start (so the series exist for the offline judge too) and {@link JudgeModel}
 * adds what only a model call knows (tokens, cost). Names are the operations contract ({@code docs/metrics.md}).
 */
public final class JudgeMeters {

    public static final String PREFIX = "spavl.judge";

    private JudgeMeters() {
    }

    /**
     * One judge call: a safety label (retries and parse retries included), or one order of a pair (retries included;
     * asking again after an unparseable reply is another call).
     */
    public static Timer call(MeterRegistry metrics, String task) {
        return Timer.builder(PREFIX + ".call").tag("task", task)
                .description("one judge call (a safety label, or one order of a pair), retries included")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(120))
                .register(metrics);
    }

    /** {@code kind} = {@code prompt} or {@code completion}; stays 0 for the offline judge. */
    public static Counter tokens(MeterRegistry metrics, String task, String kind) {
        return Counter.builder(PREFIX + ".tokens").tags("task", task, "kind", kind)
                .description("tokens the judge model reported").register(metrics);
    }

    public static Counter cost(MeterRegistry metrics, String task) {
        return Counter.builder(PREFIX + ".cost.usd").tag("task", task)
                .description("cost of the judge model's calls by its configured prices").register(metrics);
    }
}
