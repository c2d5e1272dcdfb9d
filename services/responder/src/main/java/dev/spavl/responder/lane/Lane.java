package dev.spavl.responder.lane;

import dev.spavl.blobstore.BlobNotFoundException;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.blobstore.BlobStoreException;
import dev.spavl.events.ErrorKind;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.modelclients.ImageInput;
import dev.spavl.modelclients.RetryDelay;
import dev.spavl.modelclients.guard.CallCircuitBreaker;
import dev.spavl.modelclients.guard.CallRateLimits;
import dev.spavl.observability.KafkaTraceContext;
import dev.spavl.observability.RecordLogContext;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.mapping.ResponseMapping;
import dev.spavl.responder.starter.Answer;
import dev.spavl.responder.starter.Image;
import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.responder.starter.ModelResponder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One model's lane: its own consumer (group {@code spavl-responder-<model>}) on
 * {@code <prefix>.requests.<model>} and its retry topic, its own worker pool (the model's concurrency), rate
 * limits and circuit breaker; a slow or failing lane never holds another one up. Per request: image from the
 * blob store, the call of the lane's {@link ModelResponder} (a built-in client or persona, or a {@code custom} bean)
 * with in-process retries (exponential backoff with jitter, Retry-After honoured),
 * then a {@code ResponseOutcome} keyed by question_id. Past the in-process attempts a request waits on the
 * retry topic ({@code retry.redelivery-delay}) for another round; after the last round it is dead-lettered
 * to {@code <topic>.dlq} with reason headers and a FAILED outcome is published. A permanent failure is
 * FAILED at once. Requests go to the workers as they arrive, up to twice the concurrency in flight (then consumption
 * pauses), so a slow call never leaves the other workers idle; offsets (with the commit time, for
 * {@link AnsweredQuestions}) are committed every {@value #COMMIT_EVERY_MS} ms up to each partition's oldest request
 * not yet answered ({@link InFlightWindow}): at-least-once, with repeat calls after a crash avoided where detectable.
 */
final class Lane implements Runnable {

    private static final Logger LOG = Logger.getLogger(Lane.class);
    static final String COMMITTED_AT = "committed-at=";
    static final long COMMIT_EVERY_MS = 500;
    private static final long REVOKE_WAIT_MS = Duration.ofMinutes(2).toMillis();

    private final ModelSpec spec;
    private final ModelResponder model;
    private final KafkaConsumer<String, ResponseRequested> consumer;
    private final KafkaProducer<String, Object> producer;
    private final KafkaProducer<byte[], byte[]> rawProducer;
    private final BlobStore blobs;
    private final String topic;
    private final String retryTopic;
    private final String responsesTopic;
    private final ExecutorService workers;
    private final CallRateLimits throttle;
    private final CallCircuitBreaker breaker;
    private final AnsweredQuestions answered;
    /** 20k ids x ~125 bytes (entry, String, chars): ~2.5 MB per lane, far more than a generator republishes at once. */
    private final RecentAnswers recent = new RecentAnswers(20_000);
    private final LaneMetrics laneMetrics;
    private final KafkaTraceContext traces;
    /** Retry-topic partitions whose head is not due yet -> epoch millis when it is (lane thread only). */
    private final Map<TopicPartition, Long> delayed = new HashMap<>();
    /** Partition -> end offset at assignment: records below it may have been handled before a crash. */
    private final Map<TopicPartition, Long> recoveryEnd = new ConcurrentHashMap<>();
    /** Requests handed to the workers and not finished, per partition: commits never pass the oldest (lane thread only). */
    private final InFlightWindow window = new InFlightWindow();
    /** What the workers finished, for the lane thread to settle. */
    private final Queue<InFlightWindow.Finished> finished = new ConcurrentLinkedQueue<>();
    /** Requests in flight or queued for the workers before consumption pauses: enough that no worker waits for the lane. */
    private final int maxInFlight;
    private volatile boolean running = true;
    private volatile boolean stopped;
    /** What stopped the loop when it did not drain: set at once, long before the workers have finished. */
    private volatile Exception crash;
    private volatile Consumer<Exception> crashListener = e -> { };
    /** Runs whose requests are dropped without a model call (cancelled runs). */
    private volatile java.util.function.Predicate<String> droppedRuns = run -> false;
    private boolean pausedByBreaker;
    private Exception failure;
    private boolean uncommitted;
    private long lastCommit;

    Lane(ModelSpec spec, ModelResponder model, KafkaConsumer<String, ResponseRequested> consumer, KafkaProducer<String, Object> producer,
         KafkaProducer<byte[], byte[]> rawProducer, BlobStore blobs, MeterRegistry metrics, KafkaTraceContext traces, String topicPrefix,
         Supplier<KafkaConsumer<String, ResponseOutcome>> outcomeReaders) {
        this.traces = traces;
        this.spec = spec;
        this.model = model;
        this.consumer = consumer;
        this.producer = producer;
        this.rawProducer = rawProducer;
        this.blobs = blobs;
        this.topic = topicPrefix + ".requests." + spec.id();
        this.retryTopic = topic + ".retry";
        this.responsesTopic = topicPrefix + ".responses";
        this.maxInFlight = spec.concurrency() * 2;
        this.workers = Executors.newFixedThreadPool(spec.concurrency(), r -> {
            Thread t = new Thread(r, "lane-" + spec.id() + "-worker");
            t.setDaemon(true);
            return t;
        });
        Tags modelTag = Tags.of("model", spec.id());
        this.throttle = new CallRateLimits(spec.rateLimit().requestsPerMinute(), spec.rateLimit().tokensPerMinute(),
                "lane " + spec.id(), metrics, LaneMetrics.PREFIX, modelTag);
        ModelSpec.CircuitBreakerPolicy cb = spec.circuitBreaker();
        // permanent failures (refusals, bad requests) say nothing about the model being down
        this.breaker = new CallCircuitBreaker(new CallCircuitBreaker.Policy(cb.failureRatePercent(), cb.minimumCalls(), cb.window(),
                cb.openFor()), "lane " + spec.id(), metrics, LaneMetrics.PREFIX, modelTag,
                e -> e instanceof ModelFailure f && f.retryable());
        this.answered = new AnsweredQuestions(spec.id(), responsesTopic, outcomeReaders);
        this.laneMetrics = new LaneMetrics(metrics, spec.id());
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
    void dropRunsWhere(java.util.function.Predicate<String> cancelled) {
        this.droppedRuns = cancelled;
    }

    /**
     * Stops taking new requests. The loop finishes the batch in hand (calls in flight complete; a request that
     * would need another retry goes to the retry topic instead of waiting), commits and closes.
     */
    void drain() {
        running = false;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic, retryTopic), new Rebalance());
            LOG.infof("lane %s: consuming %s and %s (concurrency %d, %s)", spec.id(), topic, retryTopic, spec.concurrency(),
                    throttle.unlimited() ? "no rate limit" : spec.rateLimit());
            while (running) {
                settleFinished();
                if (failure != null) {
                    throw failure;
                }
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
                    uncommitted = true;
                }
                for (ConsumerRecord<String, ResponseRequested> record : dueRecords(records)) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    window.started(tp, record.offset());
                    workers.submit(() -> {
                        Throwable error = null;
                        try {
                            handleOrDeadLetter(record);
                        } catch (Throwable t) {
                            error = t;
                        }
                        finished.add(new InFlightWindow.Finished(tp, record.offset(), error));
                    });
                }
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
                // calls in flight finish (each is bounded by the model's timeout and retry budget); then only what
                // completed without an error is committed
                workers.awaitTermination(10, TimeUnit.MINUTES);
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

    /** Takes the workers' completions into the window; the first failure stops the lane (see {@link #run}). */
    private void settleFinished() {
        InFlightWindow.Finished f;
        while ((f = finished.poll()) != null) {
            if (f.error() == null) {
                window.finished(f.partition(), f.offset());
                uncommitted = true;
            } else if (failure == null) {
                // the record stays in the window, so no commit passes it: it is delivered again after the restart
                failure = f.error() instanceof Exception e ? e : new IllegalStateException(f.error());
            }
        }
    }

    /**
     * Commits every assigned partition up to its first request not yet answered (or its position when none is in
     * flight), with the commit time for crash recovery; at most every {@value #COMMIT_EVERY_MS} ms unless forced.
     */
    private void commitIfDue(boolean force) {
        long now = System.currentTimeMillis();
        if (!uncommitted || (!force && now - lastCommit < COMMIT_EVERY_MS)) {
            return;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        String meta = COMMITTED_AT + now;
        for (TopicPartition tp : assigned) {
            offsets.put(tp, new OffsetAndMetadata(window.safeOffset(tp, consumer.position(tp)), meta));
        }
        consumer.commitSync(offsets);
        lastCommit = now;
        uncommitted = false;
    }

    /**
     * Records to handle now. A retry-topic record that is not due yet is put back (seek) and its partition
     * paused until it is; the records behind it are younger and wait too.
     */
    private List<ConsumerRecord<String, ResponseRequested>> dueRecords(ConsumerRecords<String, ResponseRequested> records) {
        List<ConsumerRecord<String, ResponseRequested>> due = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, ResponseRequested> r : records.records(tp)) {
                if (tp.topic().equals(retryTopic)) {
                    long notBefore = Redelivery.notBefore(r);
                    if (notBefore > now) {
                        consumer.seek(tp, r.offset());
                        delayed.put(tp, notBefore);
                        break;
                    }
                }
                due.add(r);
            }
        }
        return due;
    }

    /**
     * Pauses every partition while the circuit is open or the window is full (the workers have enough to do), and
     * retry partitions whose head is not due.
     */
    private void applyPauses() {
        Set<TopicPartition> assigned = consumer.assignment();
        long now = System.currentTimeMillis();
        delayed.entrySet().removeIf(e -> e.getValue() <= now || !assigned.contains(e.getKey()));
        boolean open = breaker.isOpen();
        boolean full = window.size() >= maxInFlight;
        Set<TopicPartition> want = new HashSet<>(delayed.keySet());
        if (open || full) {
            want.addAll(assigned);
        }
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
                LOG.infof("lane %s: consumption resumed (circuit %s)", spec.id(), breaker.state());
            }
        }
    }

    /** Runs inside poll, on the lane thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // requests in flight on these partitions finish here and their offsets are committed, so the next owner
            // does not call the model for them again
            long deadline = System.currentTimeMillis() + REVOKE_WAIT_MS;
            settleFinished();
            while (window.anyInFlight(partitions) && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                settleFinished();
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            String meta = COMMITTED_AT + System.currentTimeMillis();
            for (TopicPartition tp : partitions) {
                offsets.put(tp, new OffsetAndMetadata(window.safeOffset(tp, consumer.position(tp)), meta));
            }
            try {
                consumer.commitSync(offsets);
            } catch (RuntimeException e) {
                LOG.warnf("lane %s: offsets of revoked partitions not committed (%s); their requests may be delivered again",
                        spec.id(), e.getMessage());
            }
            partitions.forEach(window::forget);
            partitions.forEach(delayed::remove);
            partitions.forEach(recoveryEnd::remove);
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
                    first.put(tp, new OffsetAndMetadata(consumer.position(tp), COMMITTED_AT + System.currentTimeMillis()));
                }
            }
            if (!first.isEmpty()) {
                consumer.commitSync(first);
            }
            Instant since = null;
            int pending = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                Instant at = c == null ? null : committedAt(c.metadata());
                if (at == null || c.offset() >= ends.getOrDefault(tp, 0L)) {
                    continue;
                }
                recoveryEnd.put(tp, ends.get(tp));
                pending += (int) (ends.get(tp) - c.offset());
                since = since == null || at.isBefore(since) ? at : since;
            }
            if (since != null) {
                int found = answered.loadSince(since);
                LOG.infof("lane %s: %d request(s) after the last commit (%s) are delivered again; %d outcome(s) of this "
                        + "model were published since, their requests are not called again", spec.id(), pending, since, found);
            }
        }
    }

    static Instant committedAt(String metadata) {
        if (metadata == null || !metadata.startsWith(COMMITTED_AT)) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(metadata.substring(COMMITTED_AT.length())));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A record the lane cannot use never stops it: an error thrown while handling it sends the record to the
     * dead-letter topic with the reason, and the lane moves on (a record of another event type never gets here: the
     * deserializer refuses it, see {@link #deadLetterUnreadable}). Only an outcome that could not be published (the
     * broker, not the record) is thrown: the request stays uncommitted and comes again, and so does a failure to
     * dead-letter.
     */
    private void handleOrDeadLetter(ConsumerRecord<String, ResponseRequested> record) throws Exception {
        try {
            handle(record);
        } catch (OutcomeNotPublished e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "lane %s question %s: failed while handling the request", spec.id(), record.key());
            deadLetter(record, "failed while handling the request: " + e, 0);
        }
    }

    /** The outcome of a request could not be sent: a broker problem, so the request is delivered again. */
    static final class OutcomeNotPublished extends IllegalStateException {
        OutcomeNotPublished(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * One request, with its ids as log context and its processing as a span that continues the trace of the
     * request's headers; what the lane writes for it (outcome, retry, dead letter) carries that trace on.
     */
    private void handle(ConsumerRecord<String, ResponseRequested> record) {
        ResponseRequested req = record.value();
        try (RecordLogContext ids = RecordLogContext.of(req.getRunId(), req.getQuestionId(), spec.id());
             KafkaTraceContext.Processing span = traces.process(record)) {
            try {
                process(record, req);
            } catch (RuntimeException e) {
                span.failed(e);
                throw e;
            }
        }
    }

    private void process(ConsumerRecord<String, ResponseRequested> record, ResponseRequested req) {
        if (droppedRuns.test(req.getRunId())) {
            // no outcome either: the packager closed the run's open questions as CANCELLED
            laneMetrics.droppedForCancelledRun();
            LOG.debugf("lane %s question %s: run %s is cancelled, request dropped", spec.id(), req.getQuestionId(), req.getRunId());
            return;
        }
        Long end = recoveryEnd.get(new TopicPartition(record.topic(), record.partition()));
        if (end != null && record.offset() < end) {
            boolean skip = answered.claim(req.getQuestionId());
            laneMetrics.redelivered(skip ? "skipped" : "called").increment();
            if (skip) {
                LOG.debugf("lane %s question %s: outcome already published before the restart, not called again",
                        spec.id(), req.getQuestionId());
                return;
            }
        }
        if (!recent.claim(req.getQuestionId())) {
            laneMetrics.duplicate();
            LOG.infof("lane %s question %s (run %s): requested again while answered or being answered (a republish); "
                    + "not called again", spec.id(), req.getQuestionId(), req.getRunId());
            return;
        }
        boolean answeredOk = false;
        laneMetrics.inFlight().incrementAndGet();
        long start = System.nanoTime();
        try {
            Finished finished = answer(record, req);
            if (finished == null) {
                return; // handed to the retry topic
            }
            ResponseOutcome outcome = finished.outcome();
            producer.send(new ProducerRecord<>(responsesTopic, null, req.getQuestionId(), outcome, traces.inject(new RecordHeaders())))
                    .get(30, TimeUnit.SECONDS);
            laneMetrics.finished(finished.how());
            answeredOk = outcome.getStatus() == ResponseStatus.OK;
            if (answeredOk) {
                laneMetrics.answered(outcome.getTokensIn(), outcome.getTokensOut(), outcome.getCostUsd().doubleValue());
            }
        } catch (RuntimeException e) {
            if (!(e instanceof org.apache.kafka.common.KafkaException)) {
                throw e; // a bug while handling this request: handleOrDeadLetter dead-letters it
            }
            throw notPublished(req, e);
        } catch (Exception e) {
            // the outcome (or the retry or dead letter) could not be sent: the request stays uncommitted, comes again
            throw notPublished(req, e);
        } finally {
            if (answeredOk) {
                recent.answered(req.getQuestionId());
            } else {
                recent.release(req.getQuestionId()); // FAILED, on the retry topic, or to be redelivered: may come again
            }
            laneMetrics.inFlight().decrementAndGet();
            laneMetrics.recordCall(System.nanoTime() - start);
        }
    }

    private OutcomeNotPublished notPublished(ResponseRequested req, Exception e) {
        return new OutcomeNotPublished("lane " + spec.id() + ": outcome for question " + req.getQuestionId()
                + " not published: " + e.getMessage(), e);
    }

    /** An outcome to publish and how the request ended, for the metrics. */
    private record Finished(ResponseOutcome outcome, LaneMetrics.Outcome how) {
        static Finished of(ResponseOutcome outcome) {
            return new Finished(outcome, outcome.getStatus() == ResponseStatus.OK ? LaneMetrics.Outcome.OK : LaneMetrics.Outcome.FAILED);
        }
    }

    /** The outcome to publish, or {@code null} when the request went to the retry topic for a later round. */
    private Finished answer(ConsumerRecord<String, ResponseRequested> record, ResponseRequested req) throws Exception {
        Image image;
        try {
            URI uri = URI.create(req.getImageUri());
            byte[] bytes = blobs.get(uri);
            if (!req.getImageUri().endsWith(req.getImageSha256())) {
                return Finished.of(failed(req, ErrorKind.IMAGE_UNAVAILABLE, "the blob URI does not name the requested sha256", 0));
            }
            image = new Image(bytes, ImageInput.sniffed(bytes).mime(), req.getImageSha256(), uri);
        } catch (BlobNotFoundException | IllegalArgumentException e) {
            return Finished.of(failed(req, ErrorKind.IMAGE_UNAVAILABLE, e.getMessage(), 0));
        } catch (BlobStoreException e) {
            throw e; // storage unavailable: retried with the batch
        }
        int estimate = CallRateLimits.estimateTokens(spec.systemPrompt(), req.getText(), spec.decoding().maxTokens());
        int prior = Redelivery.attemptsSoFar(record);
        int budget = spec.retry().maxAttempts();
        // one open period plus the trial calls: then the request waits on the retry topic instead
        Duration patience = spec.circuitBreaker().openFor().plusSeconds(5);
        ModelFailure last = null;
        int calls = 0;
        while (calls < budget) {
            throttle.acquire(estimate);
            if (!breaker.awaitPermission(patience, () -> running)) {
                return redeliver(record, prior + calls, "circuit open" + (last == null ? "" : "; last error: " + last.getMessage()));
            }
            calls++;
            if (prior + calls > 1) {
                laneMetrics.retried();
            }
            var question = ResponseMapping.question(req, prior + calls);
            long t0 = System.nanoTime();
            Answer answer;
            try {
                answer = model.answer(question, image);
                if (answer == null) {
                    throw new IllegalStateException("the model returned no answer (null)");
                }
            } catch (RuntimeException thrown) {
                // anything but a ModelFailure is a bug in the model's code (a team's own responder, say): it takes
                // the retryable server-error path, so the request ends on the dead-letter topic with the reason and
                // can be replayed once fixed, instead of stopping the lane on every restart
                ModelFailure e = thrown instanceof ModelFailure f ? f : unexpected(req, thrown);
                breaker.onError(System.nanoTime() - t0, e);
                last = e;
                laneMetrics.modelError(e);
                if (!e.retryable()) {
                    LOG.warnf("lane %s question %s: %s (not retried)", spec.id(), req.getQuestionId(), e.getMessage());
                    return Finished.of(failed(req, ResponseMapping.errorKind(e.kind()), e.getMessage(), prior + calls));
                }
                if (calls < budget) {
                    if (!running) {
                        break; // draining: no more waiting here, the retry topic has the request
                    }
                    Duration wait = RetryDelay.after(e.retryAfter(), calls, spec.retry().initialBackoff(), spec.retry().maxBackoff());
                    LOG.debugf("lane %s question %s: %s, call %d of %d in this round in %s", spec.id(), req.getQuestionId(),
                            e.kind(), calls + 1, budget, wait);
                    Thread.sleep(wait.toMillis());
                }
                continue;
            }
            // the lane's own bookkeeping, outside the try: its failures are not the model's
            long elapsed = System.nanoTime() - t0;
            breaker.onSuccess(elapsed);
            throttle.charge(estimate, answer.promptTokens() + answer.completionTokens());
            return Finished.of(ResponseMapping.ok(spec, req, answer, elapsed, prior + calls));
        }
        int total = prior + calls;
        if (total >= spec.retry().totalAttempts()) {
            deadLetter(record, "gave up after " + total + " attempts: " + last.getMessage(), total);
            return new Finished(failed(req, ResponseMapping.errorKind(last.kind()), last.getMessage(), total),
                    LaneMetrics.Outcome.DEAD_LETTERED);
        }
        return redeliver(record, total, last == null ? null : last.getMessage());
    }

    private ModelFailure unexpected(ResponseRequested req, RuntimeException thrown) {
        LOG.errorf(thrown, "lane %s question %s: the model threw %s instead of a ModelFailure; treated as a server error",
                spec.id(), req.getQuestionId(), thrown.getClass().getName());
        return ModelFailure.of(ModelFailure.Kind.SERVER_ERROR,
                "unexpected " + thrown.getClass().getName() + ": " + thrown.getMessage(), null, thrown);
    }

    private Finished redeliver(ConsumerRecord<String, ResponseRequested> record, int attemptsSoFar, String reason)
            throws Exception {
        Instant notBefore = Instant.now().plus(spec.retry().redeliveryDelay());
        producer.send(new ProducerRecord<>(retryTopic, null, record.key(), record.value(),
                traces.inject(Redelivery.headers(attemptsSoFar, notBefore, reason)))).get(30, TimeUnit.SECONDS);
        laneMetrics.redelivered();
        LOG.infof("lane %s question %s: %d call(s) so far, on %s until %s: %s", spec.id(), record.key(), attemptsSoFar,
                retryTopic, notBefore, reason);
        return null;
    }

    private ResponseOutcome failed(ResponseRequested req, ErrorKind kind, String message, int attempts) {
        LOG.warnf("lane %s question %s (run %s): FAILED %s: %s", spec.id(), req.getQuestionId(), req.getRunId(), kind, message);
        return ResponseMapping.failed(spec, req, kind, message, attempts);
    }

    private void deadLetter(ConsumerRecord<String, ResponseRequested> record, String reason, int attempts) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-attempts", Integer.toString(attempts).getBytes(StandardCharsets.UTF_8));
        traces.inject(headers);
        producer.send(new ProducerRecord<>(topic + ".dlq", null, record.key(), record.value(), headers)).get(30, TimeUnit.SECONDS);
        laneMetrics.deadLettered();
        LOG.errorf("lane %s question %s dead-lettered to %s.dlq: %s", spec.id(), record.key(), topic, reason);
    }

    /** A record no Avro reader can decode: its bytes go to the dead-letter topic as they are, and the lane moves on. */
    private void deadLetterUnreadable(RecordDeserializationException e) throws Exception {
        TopicPartition tp = e.topicPartition();
        RecordHeaders headers = new RecordHeaders();
        // Kafka's message says where; the cause (our deserializer's) says why
        String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : "no cause given";
        String reason = "not a readable ResponseRequested: " + e.getMessage() + " Cause: " + why;
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        if (e.getCause() != null) {
            headers.add("dead-letter-cause", e.getCause().getClass().getName().getBytes(StandardCharsets.UTF_8));
        }
        headers.add("dead-letter-topic", tp.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(tp.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(e.offset()).getBytes(StandardCharsets.UTF_8));
        rawProducer.send(new ProducerRecord<>(topic + ".dlq", null, bytes(e.keyBuffer()), bytes(e.valueBuffer()), headers))
                .get(30, TimeUnit.SECONDS);
        laneMetrics.deadLettered();
        LOG.errorf("lane %s: unreadable record at %s offset %d dead-lettered: %s", spec.id(), tp, e.offset(), why);
        consumer.seek(tp, e.offset() + 1);
        uncommitted = true; // committed with the next round, below any request still in flight on that partition
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
