package dev.spavl.judge.service;

import dev.spavl.events.PairOutcome;
import dev.spavl.events.SafetySubject;
import dev.spavl.judge.client.JudgeMeters;
import dev.spavl.judge.client.PairwiseJudge;
import dev.spavl.judge.client.SafetyJudge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The judge's operations meters (names: {@code docs/metrics.md}), registered at start with every tag value they
 * can take, so every series exists at 0 before the first event, whichever judge (model or offline) is configured.
 */
// created at start (not on first use), so the series exist before the first event
@io.quarkus.runtime.Startup
@ApplicationScoped
public class JudgeMetrics {

    static final String SAFETY = "safety";
    static final String PAIRWISE = "pairwise";

    private final MeterRegistry metrics;
    private final Map<SafetySubject, Counter[]> assessments = new EnumMap<>(SafetySubject.class);
    private final Map<PairOutcome, Counter> pairs = new EnumMap<>(PairOutcome.class);
    private final Counter flips;
    private final Timer safetyCall;
    private final Timer pairwiseCall;
    private final AtomicLong compared = new AtomicLong();
    private final AtomicLong flipped = new AtomicLong();
    private final AtomicLong judged = new AtomicLong();
    private final AtomicLong ties = new AtomicLong();

    public JudgeMetrics(MeterRegistry metrics, SafetyJudge safetyJudge, PairwiseJudge pairwiseJudge) {
        this.metrics = metrics;
        for (SafetySubject subject : SafetySubject.values()) {
            assessments.put(subject, new Counter[] {assessment(subject, "safe"), assessment(subject, "unsafe")});
        }
        for (PairOutcome outcome : PairOutcome.values()) {
            pairs.put(outcome, Counter.builder(JudgeMeters.PREFIX + ".pairs").tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .description("pairs judged in both orders, by reconciled outcome").register(metrics));
        }
        this.flips = Counter.builder(JudgeMeters.PREFIX + ".position.flips")
                .description("pairs whose two orders both parsed and disagreed (position bias)").register(metrics);
        // share of pairs (both orders parsed) whose two orders disagree: the judge's position bias
        Gauge.builder(JudgeMeters.PREFIX + ".position.flip.rate", this, m -> ratio(m.flipped, m.compared))
                .description("position flips / pairs with both orders parsed, since start").register(metrics);
        Gauge.builder(JudgeMeters.PREFIX + ".tie.rate", this, m -> ratio(m.ties, m.judged))
                .description("TIE outcomes / pairs judged, since start").register(metrics);
        this.safetyCall = JudgeMeters.call(metrics, SAFETY);
        this.pairwiseCall = JudgeMeters.call(metrics, PAIRWISE);
        for (String task : new String[] {SAFETY, PAIRWISE}) {
            JudgeMeters.tokens(metrics, task, "prompt");
            JudgeMeters.tokens(metrics, task, "completion");
            JudgeMeters.cost(metrics, task);
        }
        // which judge answers each task, as a label (the metrics themselves are per task only)
        Gauge.builder(JudgeMeters.PREFIX + ".info", () -> 1).tags("task", SAFETY, "judge", safetyJudge.name())
                .description("the configured judge of each task (value 1)").register(metrics);
        Gauge.builder(JudgeMeters.PREFIX + ".info", () -> 1).tags("task", PAIRWISE, "judge", pairwiseJudge.name())
                .description("the configured judge of each task (value 1)").register(metrics);
        for (String channel : new String[] {"questions", "responses"}) {
            deadLetters(channel);
        }
    }

    private Counter assessment(SafetySubject subject, String label) {
        return Counter.builder(JudgeMeters.PREFIX + ".assessments")
                .tags("subject", subject.name().toLowerCase(Locale.ROOT), "label", label)
                .description("safety labels published, by subject (question, response) and label (safe, unsafe)").register(metrics);
    }

    private static double ratio(AtomicLong part, AtomicLong whole) {
        long w = whole.get();
        return w == 0 ? 0 : (double) part.get() / w;
    }

    Timer safetyCall() {
        return safetyCall;
    }

    Timer pairwiseCall() {
        return pairwiseCall;
    }

    void assessed(SafetySubject subject, boolean safe) {
        assessments.get(subject)[safe ? 0 : 1].increment();
    }

    /** The record of {@code channel} (questions, responses) goes to its dead-letter topic. */
    Counter deadLetters(String channel) {
        return Counter.builder(JudgeMeters.PREFIX + ".dead.letters").tag("channel", channel)
                .description("records the judge failed and sent to the channel's dead-letter topic (labels that could not be had)")
                .register(metrics);
    }

    void failure(String task, Enum<?> kind) {
        metrics.counter(JudgeMeters.PREFIX + ".failures", "task", task, "kind", kind.name().toLowerCase(Locale.ROOT)).increment();
    }

    void pairJudged(boolean bothParsed, boolean flippedOrders, PairOutcome outcome) {
        pairs.get(outcome).increment();
        judged.incrementAndGet();
        if (outcome == PairOutcome.TIE) {
            ties.incrementAndGet();
        }
        if (bothParsed) {
            compared.incrementAndGet();
            if (flippedOrders) {
                flipped.incrementAndGet();
                flips.increment();
            }
        }
    }
}
