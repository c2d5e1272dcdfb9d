package dev.spavl.responder.lane;

import dev.spavl.blobstore.BlobNotFoundException;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.blobstore.BlobStoreException;
import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.ErrorKind;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.modelclients.ChatModel;
import dev.spavl.modelclients.ChatRequest;
import dev.spavl.modelclients.ChatResult;
import dev.spavl.modelclients.Decoding;
import dev.spavl.modelclients.ImageInput;
import dev.spavl.modelclients.ModelCallException;
import dev.spavl.modelclients.RetryDelay;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.simulated.SimulatedChatModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model's lane: its own consumer (group {@code spavl-responder-<model>}) on
 * {@code <prefix>.requests.<model>}, its own worker pool (the model's concurrency), its own rate
 * limiter; a slow or failing lane never holds another one up. Per request: image from the blob store,
 * the model call with retries (exponential backoff with jitter, Retry-After honoured), then a
 * {@code ResponseOutcome} keyed by question_id. A permanent failure is published as FAILED at once;
 * after the last attempt the request also goes to {@code <topic>.dlq} with the reason in headers.
 * Offsets are committed after a whole poll batch is answered (at-least-once).
 */
final class Lane implements Runnable {

    private static final Logger LOG = Logger.getLogger(Lane.class);

    private final ModelSpec spec;
    private final ChatModel model;
    private final KafkaConsumer<String, ResponseRequested> consumer;
    private final KafkaProducer<String, Object> producer;
    private final KafkaProducer<byte[], byte[]> rawProducer;
    private final BlobStore blobs;
    private final MeterRegistry metrics;
    private final String topic;
    private final String responsesTopic;
    private final ExecutorService workers;
    private final RequestRateLimiter limiter;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean running = true;
    private final Timer callTimer;

    Lane(ModelSpec spec, ChatModel model, KafkaConsumer<String, ResponseRequested> consumer, KafkaProducer<String, Object> producer,
         KafkaProducer<byte[], byte[]> rawProducer, BlobStore blobs, MeterRegistry metrics, String topicPrefix) {
        this.spec = spec;
        this.model = model;
        this.consumer = consumer;
        this.producer = producer;
        this.rawProducer = rawProducer;
        this.blobs = blobs;
        this.metrics = metrics;
        this.topic = topicPrefix + ".requests." + spec.id();
        this.responsesTopic = topicPrefix + ".responses";
        this.workers = Executors.newFixedThreadPool(spec.concurrency(), r -> {
            Thread t = new Thread(r, "lane-" + spec.id() + "-worker");
            t.setDaemon(true);
            return t;
        });
        this.limiter = new RequestRateLimiter(spec.rateLimit().requestsPerMinute());
        this.callTimer = Timer.builder("spavl.responder.model.call").tag("model", spec.id())
                .description("model call time, retries included").register(metrics);
        metrics.gauge("spavl.responder.lane.in.flight", List.of(io.micrometer.core.instrument.Tag.of("model", spec.id())),
                inFlight);
    }

    String modelId() {
        return spec.id();
    }

    String topic() {
        return topic;
    }

    /** Stops taking new requests; the loop finishes the batch in hand, commits and closes. */
    void drain() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic));
            LOG.infof("lane %s: consuming %s (concurrency %d, %s)", spec.id(), topic, spec.concurrency(),
                    limiter.unlimited() ? "no rate limit" : spec.rateLimit().requestsPerMinute() + " requests/min");
            while (running) {
                ConsumerRecords<String, ResponseRequested> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (RecordDeserializationException e) {
                    deadLetterUnreadable(e);
                    continue;
                } catch (WakeupException e) {
                    break;
                }
                if (records.isEmpty()) {
                    continue;
                }
                List<Future<?>> work = new ArrayList<>();
                for (ConsumerRecord<String, ResponseRequested> record : records) {
                    work.add(workers.submit(() -> handle(record)));
                }
                for (Future<?> f : work) {
                    f.get();
                }
                producer.flush();
                consumer.commitSync();
            }
        } catch (Exception e) {
            LOG.errorf(e, "lane %s stopped on an unexpected error; its uncommitted requests are redelivered on restart", spec.id());
            metrics.counter("spavl.responder.lane.crashes", "model", spec.id()).increment();
        } finally {
            workers.shutdown();
            try {
                consumer.commitSync(Duration.ofSeconds(10));
            } catch (RuntimeException ignored) {
                // nothing consumed, or the broker is gone: the group resumes from the last commit
            }
            consumer.close(Duration.ofSeconds(10));
            LOG.infof("lane %s drained and closed", spec.id());
        }
    }

    private void handle(ConsumerRecord<String, ResponseRequested> record) {
        ResponseRequested req = record.value();
        inFlight.incrementAndGet();
        long start = System.nanoTime();
        try {
            ResponseOutcome outcome = answer(record, req);
            producer.send(new ProducerRecord<>(responsesTopic, req.getQuestionId(), outcome)).get(30, TimeUnit.SECONDS);
            metrics.counter("spavl.responder.outcomes", "model", spec.id(), "status", outcome.getStatus().name()).increment();
        } catch (Exception e) {
            // the outcome could not be published: fail the batch so the request is redelivered
            throw new IllegalStateException("lane " + spec.id() + ": outcome for question " + req.getQuestionId()
                    + " not published: " + e.getMessage(), e);
        } finally {
            inFlight.decrementAndGet();
            callTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private ResponseOutcome answer(ConsumerRecord<String, ResponseRequested> record, ResponseRequested req) throws Exception {
        byte[] image;
        try {
            image = blobs.get(URI.create(req.getImageUri()));
            if (!req.getImageUri().endsWith(req.getImageSha256())) {
                return failed(req, ErrorKind.IMAGE_UNAVAILABLE, "the blob URI does not name the requested sha256", 0, null);
            }
        } catch (BlobNotFoundException | IllegalArgumentException e) {
            return failed(req, ErrorKind.IMAGE_UNAVAILABLE, e.getMessage(), 0, null);
        } catch (BlobStoreException e) {
            throw e; // storage unavailable: retried with the batch
        }
        String mime = mimeOf(image);
        ChatRequest chat = new ChatRequest(spec.modelName(), spec.systemPrompt(), req.getText(), new ImageInput(image, mime),
                new Decoding(spec.decoding().temperature(), spec.decoding().topP(), spec.decoding().maxTokens()));
        int max = spec.retry().maxAttempts();
        ModelCallException last = null;
        for (int attempt = 1; attempt <= max; attempt++) {
            Duration waited = limiter.acquire();
            if (waited.toMillis() > 1000) {
                metrics.counter("spavl.responder.rate.limited", "model", spec.id()).increment();
                LOG.infof("lane %s throttled by its own rate limit for %d ms", spec.id(), waited.toMillis());
            }
            long t0 = System.nanoTime();
            try {
                ChatResult result = call(chat, attempt);
                long latency = (System.nanoTime() - t0) / 1_000_000;
                return ResponseOutcome.newBuilder()
                        .setEventId(Ids.event("ResponseOutcome", req.getQuestionId(), spec.id()))
                        .setRunId(req.getRunId())
                        .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                        .setQuestionId(req.getQuestionId())
                        .setModelId(spec.id())
                        .setStatus(ResponseStatus.OK)
                        .setText(result.text())
                        .setFinishReason(result.finishReason())
                        .setTokensIn(result.tokensIn())
                        .setTokensOut(result.tokensOut())
                        .setLatencyMs(latency)
                        .setCostUsd(cost(result.tokensIn(), result.tokensOut()))
                        .setAttempts(attempt)
                        .setSimulated(spec.simulated())
                        .build();
            } catch (ModelCallException e) {
                last = e;
                metrics.counter("spavl.responder.model.errors", "model", spec.id(), "kind", e.kind().name()).increment();
                if (!e.retryable()) {
                    LOG.warnf("lane %s question %s: %s (not retried)", spec.id(), req.getQuestionId(), e.getMessage());
                    return failed(req, errorKind(e), e.getMessage(), attempt, null);
                }
                if (attempt < max) {
                    Duration wait = RetryDelay.after(e, attempt, spec.retry().initialBackoff(), spec.retry().maxBackoff());
                    LOG.debugf("lane %s question %s: %s, attempt %d of %d in %s", spec.id(), req.getQuestionId(), e.kind(),
                            attempt + 1, max, wait);
                    Thread.sleep(wait.toMillis());
                }
            }
        }
        deadLetter(record, "gave up after " + max + " attempts: " + last.getMessage(), max);
        return failed(req, errorKind(last), last.getMessage(), max, null);
    }

    private ChatResult call(ChatRequest chat, int attempt) {
        Duration deadline = spec.timeout().plusSeconds(5);
        if (model instanceof SimulatedChatModel simulated) {
            return simulated.complete(chat, attempt).await().atMost(deadline);
        }
        return model.complete(chat).await().atMost(deadline);
    }

    private BigDecimal cost(int tokensIn, int tokensOut) {
        return spec.price().cost(tokensIn, tokensOut).setScale(8, java.math.RoundingMode.HALF_UP);
    }

    private ResponseOutcome failed(ResponseRequested req, ErrorKind kind, String message, int attempts, String finish) {
        LOG.warnf("lane %s question %s (run %s): FAILED %s: %s", spec.id(), req.getQuestionId(), req.getRunId(), kind, message);
        return ResponseOutcome.newBuilder()
                .setEventId(Ids.event("ResponseOutcome", req.getQuestionId(), spec.id()))
                .setRunId(req.getRunId())
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setQuestionId(req.getQuestionId())
                .setModelId(spec.id())
                .setStatus(ResponseStatus.FAILED)
                .setFinishReason(finish)
                .setCostUsd(BigDecimal.ZERO.setScale(8))
                .setErrorKind(kind)
                .setErrorMessage(message == null ? null : message.substring(0, Math.min(500, message.length())))
                .setAttempts(Math.max(1, attempts))
                .setSimulated(spec.simulated())
                .build();
    }

    private void deadLetter(ConsumerRecord<String, ResponseRequested> record, String reason, int attempts) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-attempts", Integer.toString(attempts).getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic + ".dlq", null, record.key(), record.value(), headers)).get(30, TimeUnit.SECONDS);
        metrics.counter("spavl.responder.dead.letters", "model", spec.id()).increment();
        LOG.errorf("lane %s question %s dead-lettered to %s.dlq: %s", spec.id(), record.key(), topic, reason);
    }

    /** A record no Avro reader can decode: its bytes go to the dead-letter topic as they are, and the lane moves on. */
    private void deadLetterUnreadable(RecordDeserializationException e) throws Exception {
        TopicPartition tp = e.topicPartition();
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", ("not a readable ResponseRequested: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", tp.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(tp.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(e.offset()).getBytes(StandardCharsets.UTF_8));
        rawProducer.send(new ProducerRecord<>(topic + ".dlq", null, bytes(e.keyBuffer()), bytes(e.valueBuffer()), headers))
                .get(30, TimeUnit.SECONDS);
        metrics.counter("spavl.responder.dead.letters", "model", spec.id()).increment();
        LOG.errorf("lane %s: unreadable record at %s offset %d dead-lettered", spec.id(), tp, e.offset());
        consumer.seek(tp, e.offset() + 1);
        consumer.commitSync(java.util.Map.of(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(e.offset() + 1)));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    static ErrorKind errorKind(ModelCallException e) {
        return switch (e.kind()) {
            case RATE_LIMITED -> ErrorKind.RATE_LIMITED;
            case SERVER_ERROR, CONNECTION -> ErrorKind.SERVER_ERROR;
            case TIMEOUT -> ErrorKind.TIMEOUT;
            case CLIENT_ERROR -> ErrorKind.CLIENT_ERROR;
            case CONTENT_BLOCKED -> ErrorKind.CONTENT_BLOCKED;
            case INVALID_OUTPUT -> ErrorKind.INVALID_OUTPUT;
        };
    }

    static String mimeOf(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
            return "image/jpeg";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E') {
            return "image/webp";
        }
        return "image/png";
    }
}
