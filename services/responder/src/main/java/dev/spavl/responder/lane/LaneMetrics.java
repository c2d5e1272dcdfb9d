package dev.spavl.responder.lane;

import dev.spavl.modelclients.guard.CallRateLimits;
import dev.spavl.responder.starter.ModelFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One lane's meters, all tagged {@code model} and registered when the lane is built, so every lane's series exist
 * (at 0) before its first request or error: dashboards and alerts see every lane from the start. The Prometheus
 * names are the operations contract ({@code docs/metrics.md}); the circuit state and the own-rate-limit waits
 * are registered by the shared guards of model-clients under the same prefix.
 */
final class LaneMetrics {

    static final String PREFIX = "spavl.responder";

    /** How a request the lane finished ended ({@code outcome} tag of {@code spavl_responder_requests_total}). */
    enum Outcome {
        /** an OK outcome was published */
        OK,
        /** a FAILED outcome was published at once (permanent error, missing image) */
        FAILED,
        /** retries ran out: the request went to the dead-letter topic and a FAILED outcome was published */
        DEAD_LETTERED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MeterRegistry metrics;
    private final String model;
    private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
    private final Timer call;
    private final Counter promptTokens;
    private final Counter completionTokens;
    private final Counter cost;
    private final Counter retries;
    private final Counter redeliveries;
    private final Counter deadLetters;
    private final Counter providerThrottled;
    private final Counter duplicates;
    private final Counter cancelled;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger paused = new AtomicInteger();

    LaneMetrics(MeterRegistry metrics, String model) {
        this.metrics = metrics;
        this.model = model;
        Tags tags = Tags.of("model", model);
        for (Outcome o : Outcome.values()) {
            requests.put(o, Counter.builder(PREFIX + ".requests").tags(tags.and("outcome", o.tag()))
                    .description("requests the lane finished: ok, failed (FAILED outcome at once), dead_lettered "
                            + "(retries ran out: dead-letter record and FAILED outcome)")
                    .register(metrics));
        }
        // a histogram for latency quantiles over lanes and instances; 5 ms (a simulated persona) .. 120 s (a slow
        // hosted model with retries) bounds Micrometer's bucket set to what a lane can take
        this.call = Timer.builder(PREFIX + ".model.call").tags(tags)
                .description("one request's model calls, retries and backoff included (blob fetch and publish too)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(120))
                .register(metrics);
        this.promptTokens = tokens(tags, "prompt");
        this.completionTokens = tokens(tags, "completion");
        this.cost = Counter.builder(PREFIX + ".cost.usd").tags(tags)
                .description("cost of the model's answers by the catalog's prices (0 for simulated models)").register(metrics);
        this.retries = Counter.builder(PREFIX + ".retries").tags(tags)
                .description("model calls beyond a request's first: in-process retries and calls after a redelivery "
                        + "from the retry topic").register(metrics);
        this.redeliveries = Counter.builder(PREFIX + ".redeliveries").tags(tags)
                .description("requests handed to the retry topic for another round").register(metrics);
        this.deadLetters = Counter.builder(PREFIX + ".dead.letters").tags(tags)
                .description("records the lane wrote to its dead-letter topic (retries ran out, or unreadable)").register(metrics);
        this.providerThrottled = CallRateLimits.rateLimited(metrics, PREFIX, tags, "provider");
        this.duplicates = Counter.builder(PREFIX + ".duplicate.requests").tags(tags)
                .description("requests for a question answered or being answered (a republish), not called again").register(metrics);
        this.cancelled = Counter.builder(PREFIX + ".dropped.requests").tags(tags.and("reason", "run_cancelled"))
                .description("requests dropped without a model call because their run was cancelled").register(metrics);
        Gauge.builder(PREFIX + ".lane.in.flight", inFlight, AtomicInteger::get).tags(tags)
                .description("requests the lane is working on").register(metrics);
        Gauge.builder(PREFIX + ".lane.paused", paused, AtomicInteger::get).tags(tags)
                .description("1 while the lane's consumption is paused because its circuit is open").register(metrics);
        for (ModelFailure.Kind kind : ModelFailure.Kind.values()) {
            modelErrors(kind);
        }
        for (String result : new String[] {"skipped", "called"}) {
            redelivered(result);
        }
    }

    private Counter tokens(Tags tags, String kind) {
        return Counter.builder(PREFIX + ".tokens").tags(tags.and("kind", kind))
                .description("tokens the model reported (simulated models: simulated counts)").register(metrics);
    }

    void finished(Outcome outcome) {
        requests.get(outcome).increment();
    }

    void answered(int tokensIn, int tokensOut, double costUsd) {
        promptTokens.increment(tokensIn);
        completionTokens.increment(tokensOut);
        cost.increment(costUsd);
    }

    void recordCall(long nanos) {
        call.record(nanos, TimeUnit.NANOSECONDS);
    }

    void retried() {
        retries.increment();
    }

    void redelivered() {
        redeliveries.increment();
    }

    void deadLettered() {
        deadLetters.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void modelError(ModelFailure e) {
        modelErrors(e.kind()).increment();
        if (e.kind() == ModelFailure.Kind.RATE_LIMITED) {
            providerThrottled.increment();
        }
    }

    private Counter modelErrors(ModelFailure.Kind kind) {
        return Counter.builder(PREFIX + ".model.errors").tags("model", model, "kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                .description("failed model calls by kind").register(metrics);
    }

    /** Requests delivered again after a crash: {@code skipped} (outcome already published) or {@code called}. */
    Counter redelivered(String result) {
        return Counter.builder(PREFIX + ".redelivered.requests").tags("model", model, "result", result)
                .description("requests past the last commit delivered again after a restart").register(metrics);
    }

    void droppedForCancelledRun() {
        cancelled.increment();
    }

    void crashed() {
        Counter.builder(PREFIX + ".lane.crashes").tags("model", model).description("lane loops stopped by an unexpected error")
                .register(metrics).increment();
    }

    AtomicInteger inFlight() {
        return inFlight;
    }

    void paused(boolean on) {
        paused.set(on ? 1 : 0);
    }
}
