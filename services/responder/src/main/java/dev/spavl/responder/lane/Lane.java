package dev.spavl.responder.lane;

import dev.spavl.contracts.topics.TopicNames;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.observability.KafkaTraceContext;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.starter.ModelResponder;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One model's lane: its own consumer (group {@code spavl-responder-<model>}) on {@code <prefix>.requests.<model>} and
 * its retry topic, its own worker pool (the model's concurrency), rate limits and circuit breaker; a slow or failing
 * lane never holds another one up. This class is the poll/commit loop and the wiring of the lane's parts, one concern
 * each: {@link RequestProcessor} handles a request on a worker (admission by the {@link RequestGuard}, the image from
 * the {@link ImageCache}, the {@link ModelCall} with its retries, limits and circuit, the outcome, retry-topic record or
 * {@link DeadLetters} sent without waiting), {@link ConsumptionPauses} holds partitions back, {@link CommitPolicy}
 * says when and what to commit from the {@link InFlightWindow}.
 *
 * <p>A poll brings up to {@code max.poll.records} requests; they enter the window at once and go to the workers up to
 * twice the concurrency at a time (the rest wait in the lane's backlog, in poll order, and consumption pauses), so a
 * slow call never leaves the other workers idle and a drain finishes only what the workers hold. A request leaves the
 * window when what was written for it is acknowledged by the broker; offsets (with the commit time, for
 * {@link AnsweredQuestions}) are committed every {@value CommitPolicy#COMMIT_EVERY_MS} ms up to each partition's oldest
 * request not finished: at-least-once, with repeat calls after a crash avoided where detectable.
 */
final class Lane implements Runnable {

    private static final Logger LOG = Logger.getLogger(Lane.class);
    private static final long REVOKE_WAIT_MS = Duration.ofMinutes(2).toMillis();

    private final ModelSpec spec;
    private final KafkaConsumer<String, ResponseRequested> consumer;
    private final String topic;
    private final String retryTopic;
    private final ExecutorService workers;
    private final LaneMetrics laneMetrics;
    private final ModelCall calls;
    private final RequestGuard guard;
    private final DeadLetters deadLetters;
    private final RequestProcessor processor;
    private final ConsumptionPauses pauses;
    /** Requests the lane took and has not finished, per partition: commits never pass the oldest (lane thread only). */
    private final InFlightWindow window = new InFlightWindow();
    private final CommitPolicy commits = new CommitPolicy(window);
    /** Polled requests not handed to the workers yet (they are in the window already, so no commit passes them). */
    private final Backlog<String, ResponseRequested> backlog = new Backlog<>();
    /** What the workers finished (acknowledged or failed), for the lane thread to settle. */
    private final Queue<InFlightWindow.Finished> finished = new ConcurrentLinkedQueue<>();
    /** Requests handed to the workers at once before the rest waits: enough that no worker waits for the lane. */
    private final int maxInFlight;
    /** Requests handed to the workers and not settled (lane thread only). */
    private int handed;
    private volatile boolean running = true;
    private volatile boolean stopped;
    /** What stopped the loop when it did not drain: set at once, long before the workers have finished. */
    private volatile Exception crash;
    private volatile Consumer<Exception> crashListener = e -> { };
    private boolean pausedByBreaker;
    private Exception failure;

    Lane(ModelSpec spec, ModelResponder model, KafkaConsumer<String, ResponseRequested> consumer, KafkaProducer<String, Object> producer,
         KafkaProducer<byte[], byte[]> rawProducer, ImageCache images, MeterRegistry metrics, KafkaTraceContext traces, String topicPrefix,
         Supplier<KafkaConsumer<String, ResponseOutcome>> outcomeReaders) {
        this.spec = spec;
        this.consumer = consumer;
        this.topic = TopicNames.requests(topicPrefix, spec.id());
        this.retryTopic = TopicNames.retryOf(topic);
        String responsesTopic = TopicNames.of(topicPrefix, "responses");
        this.maxInFlight = spec.concurrency() * 2;
        this.workers = Executors.newFixedThreadPool(spec.concurrency(), r -> {
            Thread t = new Thread(r, "lane-" + spec.id() + "-worker");
            t.setDaemon(true);
            return t;
        });
        this.laneMetrics = new LaneMetrics(metrics, spec.id());
        this.calls = new ModelCall(spec, model, metrics, laneMetrics, () -> running);
        // 20k ids x ~125 bytes (entry, String, chars): ~2.5 MB per lane, far more than a generator republishes at once
        this.guard = new RequestGuard(spec.id(), new AnsweredQuestions(spec.id(), responsesTopic, outcomeReaders),
                new RecentAnswers(20_000), laneMetrics);
        this.deadLetters = new DeadLetters(spec.id(), topic, producer, rawProducer, traces, laneMetrics);
        this.processor = new RequestProcessor(spec.id(), retryTopic, responsesTopic, spec.retry().redeliveryDelay(), producer, guard,
                images, calls, deadLetters, traces, laneMetrics);
        this.pauses = new ConsumptionPauses(retryTopic);
    }

    String modelId() {
        return spec.id();
    }

    String topic() {
        return topic;
    }

    /** Whether the loop has ended (drained, or stopped by an error). */
    boolean stopped() {
        return stopped;
    }

    /** The error that stopped the loop, or null while it runs or when it drained. */
    Exception crash() {
        return crash;
    }

    /** Told once, on the lane thread, as soon as the loop stops on an error (health and heartbeats say so at once). */
    void onCrash(Consumer<Exception> listener) {
        this.crashListener = listener;
    }

    /** Requests of a run this says yes to are dropped without a model call or an outcome (the run was cancelled). */
    void dropRunsWhere(Predicate<String> cancelled) {
        guard.dropRunsWhere(cancelled);
    }

    /**
     * Stops taking new requests. The loop lets the workers finish what they hold (calls in flight complete; a request
     * that would need another retry goes to the retry topic instead of waiting), commits and closes; the backlog is
     * not committed, the next owner gets it.
     */
    void drain() {
        running = false;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic, retryTopic), new Rebalance());
            LOG.infof("lane %s: consuming %s and %s (concurrency %d, %s)", spec.id(), topic, retryTopic, spec.concurrency(),
                    calls.unlimited() ? "no rate limit" : spec.rateLimit());
            while (running) {
                settleFinished();
                if (failure != null) {
                    throw failure;
                }
                handOut();
                applyPauses();
                ConsumerRecords<String, ResponseRequested> records;
                try {
                    // short while requests are in flight: their completions are what moves the lane on
                    records = consumer.poll(Duration.ofMillis(window.isEmpty() ? 200 : 20));
                } catch (RecordDeserializationException e) {
                    deadLetterUnreadable(e);
                    continue;
                }
                if (!records.isEmpty()) {
                    commits.moved();
                }
                long now = System.currentTimeMillis();
                for (ConsumerRecord<String, ResponseRequested> record : pauses.due(records, now, consumer::seek)) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    window.started(tp, record.offset(), guard.takenAt(tp, record.offset(), now));
                    backlog.add(record);
                }
                handOut();
                commitIfDue(false);
            }
        } catch (Exception e) {
            LOG.errorf(e, "lane %s stopped on an unexpected error; its uncommitted requests are redelivered on restart", spec.id());
            laneMetrics.crashed();
            crash = e;
            try {
                crashListener.accept(e);
            } catch (RuntimeException listenerFailed) {
                LOG.errorf(listenerFailed, "lane %s: announcing the stop failed", spec.id());
            }
        } finally {
            workers.shutdown();
            try {
                // calls in flight finish (each is bounded by the model's timeout and retry budget) and their sends are
                // acknowledged; then only what completed without an error is committed
                workers.awaitTermination(10, TimeUnit.MINUTES);
                awaitHanded(Sends.ACK_WAIT_SECONDS + 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            settleFinished();
            try {
                commitIfDue(true);
            } catch (RuntimeException ignored) {
                // nothing consumed, or the broker is gone: the group resumes from the last commit
            }
            consumer.close(Duration.ofSeconds(10));
            stopped = true;
            LOG.infof("lane %s drained and closed", spec.id());
        }
    }

    /** Hands backlog requests to the workers, oldest first, while fewer than the limit are handed and the circuit is closed. */
    private void handOut() {
        // an open circuit calls nothing: the backlog waits with the paused partitions instead of queueing for a permit
        while (!backlog.isEmpty() && handed < maxInFlight && !calls.circuitOpen()) {
            ConsumerRecord<String, ResponseRequested> record = backlog.next();
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            handed++;
            workers.submit(() -> {
                try {
                    processor.process(record).whenComplete((v, error) ->
                            finished.add(new InFlightWindow.Finished(tp, record.offset(), error == null ? null : RequestProcessor.unwrap(error))));
                } catch (Throwable t) {
                    finished.add(new InFlightWindow.Finished(tp, record.offset(), t));
                }
            });
        }
    }

    /** Waits until every handed request's sends have completed (after the workers stopped), at most {@code seconds}. */
    private void awaitHanded(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (handed > 0 && System.nanoTime() < deadline) {
            settleFinished();
            if (handed > 0) {
                Thread.sleep(5);
            }
        }
    }

    /** Takes the workers' completions into the window; the first failure stops the lane (see {@link #run}). */
    private void settleFinished() {
        InFlightWindow.Finished f;
        while ((f = finished.poll()) != null) {
            handed--;
            if (f.error() == null) {
                window.finished(f.partition(), f.offset());
                commits.moved();
            } else if (failure == null) {
                // the record stays in the window, so no commit passes it: it is delivered again after the restart
                failure = f.error() instanceof Exception e ? e : new IllegalStateException(f.error());
            }
        }
    }

    private void commitIfDue(boolean force) {
        long now = System.currentTimeMillis();
        Map<TopicPartition, OffsetAndMetadata> offsets = commits.due(consumer.assignment(), consumer::position, now, force);
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
            commits.committed(now);
        }
    }

    /** Pauses what {@link ConsumptionPauses} holds back: all while the circuit is open or the lane has enough to do. */
    private void applyPauses() {
        boolean open = calls.circuitOpen();
        boolean full = handed >= maxInFlight || !backlog.isEmpty();
        Set<TopicPartition> want = pauses.wanted(consumer.assignment(), open || full, System.currentTimeMillis());
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> resume = new HashSet<>(paused);
        resume.removeAll(want);
        Set<TopicPartition> pause = new HashSet<>(want);
        pause.removeAll(paused);
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (open != pausedByBreaker) {
            pausedByBreaker = open;
            laneMetrics.paused(open);
            if (open) {
                LOG.warnf("lane %s: consumption paused while the circuit is open", spec.id());
            } else {
                LOG.infof("lane %s: consumption resumed (circuit %s)", spec.id(), calls.circuitState());
            }
        }
    }

    /** Runs inside poll, on the lane thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // requests in flight on these partitions finish here and their offsets are committed, so the next owner
            // does not call the model for them again; their backlog is not started and not committed
            Map<TopicPartition, Long> notStarted = backlog.remove(partitions, window::finished);
            long deadline = System.currentTimeMillis() + REVOKE_WAIT_MS;
            settleFinished();
            // once no worker holds a request nothing more can finish (a request that failed stays open for good)
            while (handed > 0 && window.anyInFlight(partitions) && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                settleFinished();
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = commits.offsets(partitions,
                    tp -> Math.min(consumer.position(tp), notStarted.getOrDefault(tp, Long.MAX_VALUE)), System.currentTimeMillis());
            try {
                consumer.commitSync(offsets);
            } catch (RuntimeException e) {
                LOG.warnf("lane %s: offsets of revoked partitions not committed (%s); their requests may be delivered again",
                        spec.id(), e.getMessage());
            }
            partitions.forEach(window::forget);
            pauses.forget(partitions);
            guard.forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            // a partition this group never committed gets a first commit now, at its start position: a crash
            // during the first batch then still leaves a commit time to recover from
            Map<TopicPartition, OffsetAndMetadata> first = new HashMap<>();
            for (TopicPartition tp : partitions) {
                if (committed.get(tp) == null) {
                    first.put(tp, CommitPolicy.first(consumer.position(tp), System.currentTimeMillis()));
                }
            }
            if (!first.isEmpty()) {
                consumer.commitSync(first);
            }
            Instant since = null;
            int pending = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                Instant at = c == null ? null : CommitPolicy.committedAt(c.metadata());
                if (at == null || c.offset() >= ends.getOrDefault(tp, 0L)) {
                    continue;
                }
                guard.recovering(tp, ends.get(tp), at);
                pending += (int) (ends.get(tp) - c.offset());
                since = since == null || at.isBefore(since) ? at : since;
            }
            if (since != null) {
                int found = guard.loadAnsweredSince(since);
                LOG.infof("lane %s: %d request(s) after the last commit (%s) are delivered again; %d outcome(s) of this "
                        + "model were published since, their requests are not called again", spec.id(), pending, since, found);
            }
        }
    }

    /**
     * A record no Avro reader can decode: its bytes go to the dead-letter topic as they are (waiting for the broker:
     * such records are rare), and the lane moves past it. A dead letter not written stops the lane before the commit.
     */
    private void deadLetterUnreadable(RecordDeserializationException e) throws Exception {
        try {
            deadLetters.unreadable(e).get(Sends.ACK_WAIT_SECONDS + 1, TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof Exception cause ? cause : failed;
        }
        consumer.seek(e.topicPartition(), e.offset() + 1);
        commits.moved(); // committed with the next round, below any request still in flight on that partition
    }
}
