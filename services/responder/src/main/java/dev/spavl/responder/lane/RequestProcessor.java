package dev.spavl.responder.lane;

import dev.spavl.events.ErrorKind;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.observability.KafkaTraceContext;
import dev.spavl.observability.RecordLogContext;
import dev.spavl.responder.starter.Image;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request on a worker thread, from its record to what the lane writes for it: the {@link RequestGuard}'s
 * admission, the image ({@link ImageCache}), the {@link ModelCall}, then the outcome (or the retry-topic record, or the
 * dead letter and the FAILED outcome) sent without waiting for the broker. Invariant: the returned future completes
 * only when everything written for the request was acknowledged, and fails with {@link OutcomeNotPublished} when any
 * of it was not (a broker problem: the lane stops and the request is delivered again); a request the lane cannot
 * handle (a bug) is dead-lettered instead. Each request runs with its ids as log context and in a span that continues
 * the trace of its headers; what is written for it carries that trace on.
 */
final class RequestProcessor {

    private static final Logger LOG = Logger.getLogger(Lane.class); // the lane's log category, one for all its parts

    /** What was written for a request did not reach the broker: the request is delivered again after a restart. */
    static final class OutcomeNotPublished extends IllegalStateException {
        OutcomeNotPublished(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String model;
    private final String retryTopic;
    private final String responsesTopic;
    private final Duration redeliveryDelay;
    private final Producer<String, Object> producer;
    private final RequestGuard guard;
    private final ImageCache images;
    private final ModelCall calls;
    private final DeadLetters deadLetters;
    private final KafkaTraceContext traces;
    private final LaneMetrics metrics;

    RequestProcessor(String model, String retryTopic, String responsesTopic, Duration redeliveryDelay, Producer<String, Object> producer,
                     RequestGuard guard, ImageCache images, ModelCall calls, DeadLetters deadLetters, KafkaTraceContext traces,
                     LaneMetrics metrics) {
        this.model = model;
        this.retryTopic = retryTopic;
        this.responsesTopic = responsesTopic;
        this.redeliveryDelay = redeliveryDelay;
        this.producer = producer;
        this.guard = guard;
        this.images = images;
        this.calls = calls;
        this.deadLetters = deadLetters;
        this.traces = traces;
        this.metrics = metrics;
    }

    /**
     * Handles the request; never throws. A record the lane cannot use never stops it: an error thrown while handling
     * it sends the record to the dead-letter topic with the reason (a record of another event type never gets here:
     * the deserializer refuses it and the lane dead-letters its bytes).
     */
    CompletableFuture<Void> process(ConsumerRecord<String, ResponseRequested> record) {
        String questionId = record.value() == null ? record.key() : record.value().getQuestionId();
        try {
            return traced(record).exceptionallyCompose(e -> CompletableFuture.failedFuture(notPublished(questionId, unwrap(e))));
        } catch (OutcomeNotPublished e) {
            return CompletableFuture.failedFuture(e);
        } catch (KafkaException e) {
            return CompletableFuture.failedFuture(notPublished(questionId, e));
        } catch (RuntimeException e) {
            LOG.errorf(e, "lane %s question %s: failed while handling the request", model, record.key());
            return deadLetters.readable(record, "failed while handling the request: " + e, 0)
                    .exceptionallyCompose(x -> CompletableFuture.failedFuture(notPublished(questionId, unwrap(x))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(notPublished(questionId, e));
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
    }

    /** The request with its ids as log context, in its span; an error thrown marks the span and goes to the caller. */
    private CompletableFuture<Void> traced(ConsumerRecord<String, ResponseRequested> record) throws InterruptedException {
        ResponseRequested req = record.value();
        try (RecordLogContext ids = RecordLogContext.of(req.getRunId(), req.getQuestionId(), model);
             KafkaTraceContext.Processing span = traces.process(record)) {
            try {
                return handle(record, req);
            } catch (RuntimeException | InterruptedException e) {
                span.failed(e);
                throw e;
            }
        }
    }

    /** The synchronous part (admission, image, calls); the future is what was sent for the request. */
    private CompletableFuture<Void> handle(ConsumerRecord<String, ResponseRequested> record, ResponseRequested req)
            throws InterruptedException {
        if (guard.admit(record) != RequestGuard.Admission.CALL) {
            return CompletableFuture.completedFuture(null);
        }
        metrics.inFlight().incrementAndGet();
        long start = System.nanoTime();
        CompletableFuture<Boolean> sent; // true: an OK outcome was acknowledged
        try {
            sent = callAndSend(record, req);
        } catch (RuntimeException | InterruptedException e) {
            // nothing was sent: the caller dead-letters the request (a bug) or stops the lane
            guard.released(req.getQuestionId());
            metrics.inFlight().decrementAndGet();
            metrics.recordCall(System.nanoTime() - start);
            throw e;
        }
        return sent.handle((answeredOk, error) -> {
            // the guard's and the meters' bookkeeping once the broker has spoken (the producer's I/O thread)
            if (error == null && answeredOk) {
                guard.answered(req.getQuestionId());
            } else {
                guard.released(req.getQuestionId()); // FAILED, on the retry topic, or to be redelivered: may come again
            }
            metrics.inFlight().decrementAndGet();
            metrics.recordCall(System.nanoTime() - start);
            return error;
        }).thenCompose(error -> error == null ? CompletableFuture.<Void>completedFuture(null) : rethrow(error));
    }

    private CompletableFuture<Boolean> callAndSend(ConsumerRecord<String, ResponseRequested> record, ResponseRequested req)
            throws InterruptedException {
        ModelCall.Result result;
        try {
            Image image = images.get(req.getImageUri(), req.getImageSha256());
            result = calls.answer(req, image, Redelivery.attemptsSoFar(record));
        } catch (ImageCache.ImageUnavailable e) {
            result = ModelCall.Publish.of(calls.failed(req, ErrorKind.IMAGE_UNAVAILABLE, e.getMessage(), 0));
        }
        if (result instanceof ModelCall.Publish p) {
            return publish(req, p.outcome(), p.how());
        }
        if (result instanceof ModelCall.GiveUp g) {
            // the dead letter first, as the request's record of what happened; the outcome only once it is written
            awaitAck(deadLetters.readable(record, g.reason(), g.attempts()));
            return publish(req, g.outcome(), LaneMetrics.Outcome.DEAD_LETTERED);
        }
        ModelCall.Redeliver r = (ModelCall.Redeliver) result;
        return redeliver(record, r.attemptsSoFar(), r.reason()).thenApply(v -> false);
    }

    private CompletableFuture<Boolean> publish(ResponseRequested req, ResponseOutcome outcome, LaneMetrics.Outcome how) {
        RecordHeaders headers = new RecordHeaders();
        traces.inject(headers);
        return Sends.send(producer, new ProducerRecord<>(responsesTopic, null, req.getQuestionId(), outcome, headers)).thenApply(m -> {
            metrics.finished(how);
            boolean ok = outcome.getStatus() == ResponseStatus.OK;
            if (ok) {
                metrics.answered(outcome.getTokensIn(), outcome.getTokensOut(), outcome.getCostUsd().doubleValue());
            }
            return ok;
        });
    }

    private CompletableFuture<Void> redeliver(ConsumerRecord<String, ResponseRequested> record, int attemptsSoFar, String reason) {
        Instant notBefore = Instant.now().plus(redeliveryDelay);
        ResponseRequested req = record.value();
        return Sends.send(producer, new ProducerRecord<>(retryTopic, null, record.key(), (Object) req,
                traces.inject(Redelivery.headers(attemptsSoFar, notBefore, reason)))).thenRun(() -> {
            metrics.redelivered();
            try (RecordLogContext ids = RecordLogContext.of(req.getRunId(), req.getQuestionId(), model)) {
                LOG.infof("lane %s question %s: %d call(s) so far, on %s until %s: %s", model, record.key(), attemptsSoFar,
                        retryTopic, notBefore, reason);
            }
        });
    }

    /** Waits for a send that must be written before the next one (rare: a dead letter before its FAILED outcome). */
    private static void awaitAck(CompletableFuture<Void> send) throws InterruptedException {
        try {
            send.get(Sends.ACK_WAIT_SECONDS + 1, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new OutcomeNotPublished("dead letter not written: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new OutcomeNotPublished("dead letter not acknowledged in time", e);
        }
    }

    private OutcomeNotPublished notPublished(String questionId, Throwable e) {
        if (e instanceof OutcomeNotPublished n) {
            return n;
        }
        return new OutcomeNotPublished("lane " + model + ": outcome for question " + questionId
                + " not published: " + e.getMessage(), e);
    }

    static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static CompletableFuture<Void> rethrow(Throwable error) {
        return CompletableFuture.failedFuture(unwrap(error));
    }
}
