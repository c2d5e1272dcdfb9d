package dev.spavl.packager.console;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a dead-letter record back to the topic its consumer reads ({@code <prefix>.<topic>.dlq} -> {@code <prefix>.<topic>}):
 * the original key and value bytes as they are, and the original headers except the dead-letter ones, plus
 * {@value #REPLAY_OF_HEADER} naming the dead-letter record. At most once per record: the coordinates are claimed in
 * console_replays first ({@link ReplayLedger}). Every attempt is logged with the coordinates and counted in
 * {@code spavl_console_replays_total{topic,outcome}}.
 */
@ApplicationScoped
public class DeadLetterReplayer {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplayer.class);
    static final String REPLAY_OF_HEADER = "spavl-replay-of";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    /** What a replay did. */
    public record Result(String state, String dlqTopic, int dlqPartition, long dlqOffset, String targetTopic, int targetPartition,
                         long targetOffset, String key, String operator, int headersCopied) {
    }

    private final DeadLetterTopics topics;
    private final ReplayLedger ledger;
    private final ReplayToken token;
    private final MeterRegistry metrics;
    private final String bootstrap;
    private KafkaProducer<byte[], byte[]> producer;

    public DeadLetterReplayer(DeadLetterTopics topics, ReplayLedger ledger, ReplayToken token, MeterRegistry metrics,
                              @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.topics = topics;
        this.ledger = ledger;
        this.token = token;
        this.metrics = metrics;
        this.bootstrap = bootstrap;
    }

    /**
     * @param authorization the request's Authorization header
     * @param operator      who asks, as the page or the caller names them (free text, for the log and the table)
     */
    public Result replay(String authorization, String topic, int partition, long offset, Supplier<String> operator) {
        // the topic becomes a tag only once it is known to exist: refused requests must not grow the series count
        String refusedTag = "other";
        switch (token.check(authorization)) {
            case DISABLED -> {
                count(refusedTag, "disabled");
                LOG.warnf("console replay of %s/%d@%d refused: %s", topic, partition, offset, token.disabledReason());
                throw new ConsoleInputException(503, "replay disabled", token.disabledReason());
            }
            case MISSING, WRONG -> {
                count(refusedTag, "unauthorized");
                LOG.warnf("console replay of %s/%d@%d refused: missing or wrong bearer token", topic, partition, offset);
                throw new ConsoleInputException(401, "not authorized", "replaying a dead-letter record needs the console's replay token "
                        + "as 'Authorization: Bearer <token>' (spavl.console.replay-token); the one given is missing or wrong");
            }
            case ACCEPTED -> {
            }
        }
        // the operator's name (free text from the body) is read and logged only for an authorized caller
        String named = operator.get();
        String who = named == null || named.isBlank() ? "unnamed" : named.strip();
        if (who.length() > 100) {
            who = who.substring(0, 100);
        }
        who = who.replaceAll("\\p{Cntrl}", " ");
        ConsumerRecord<byte[], byte[]> rec;
        try {
            rec = topics.fetch(topic, partition, offset);
        } catch (ConsoleInputException e) {
            count(refusedTag, "invalid");
            LOG.warnf("console replay of %s/%d@%d by %s refused: %s", topic, partition, offset, who, e.getMessage());
            throw e;
        }
        String topicTag = topic;
        String target = DeadLetterTopics.replayTarget(topic);
        String key = DeadLetterTopics.text(rec.key());
        if (!ledger.claim(topic, partition, offset, target, key, who)) {
            count(topicTag, "duplicate");
            DeadLetterRecord.Replay earlier = ledger.find(topic, partition, offset).orElse(null);
            LOG.infof("console replay of %s/%d@%d by %s refused: replayed before (%s)", topic, partition, offset, who, earlier);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("replay", earlier);
            throw new ConsoleInputException(409, "already replayed", topic + "/" + partition + " offset " + offset + " was "
                    + (earlier != null && "CLAIMED".equals(earlier.state()) ? "claimed for replay" : "replayed")
                    + (earlier == null ? "" : " by " + earlier.operator() + " at " + earlier.requestedAt()
                    + (earlier.targetOffset() == null ? "" : " (to " + earlier.targetTopic() + "/" + earlier.targetPartition()
                    + " offset " + earlier.targetOffset() + ")"))
                    + "; a record is replayed at most once", extra);
        }
        RecordHeaders headers = new RecordHeaders();
        rec.headers().forEach(h -> {
            if (!h.key().startsWith(DeadLetterTopics.DLQ_HEADER_PREFIX) && !h.key().startsWith(DeadLetterTopics.DESERIALIZATION_HEADER_PREFIX)
                    && !h.key().equals(REPLAY_OF_HEADER)) {
                headers.add(h);
            }
        });
        int copied = headers.toArray().length;
        headers.add(REPLAY_OF_HEADER, (topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8));
        RecordMetadata sent;
        try {
            sent = producer().send(new ProducerRecord<>(target, null, rec.key(), rec.value(), headers))
                    .get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unknown(topicTag, topic, partition, offset, who, target, e);
        } catch (TimeoutException e) {
            throw unknown(topicTag, topic, partition, offset, who, target, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            // a delivery timeout may come after the broker wrote the record: releasing the claim could replay it twice
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unknown(topicTag, topic, partition, offset, who, target, cause);
            }
            throw failed(topicTag, topic, partition, offset, who, target, cause);
        } catch (RuntimeException e) {
            throw failed(topicTag, topic, partition, offset, who, target, e); // thrown by send() itself: nothing went out
        }
        ledger.replayed(topic, partition, offset, sent.partition(), sent.offset());
        count(topicTag, "replayed");
        LOG.infof("console replay: %s/%d@%d (key %s) sent to %s/%d@%d by %s, %d header(s) copied", topic, partition, offset, key,
                target, sent.partition(), sent.offset(), who, copied);
        return new Result("REPLAYED", topic, partition, offset, target, sent.partition(), sent.offset(), key, who, copied);
    }

    private ConsoleInputException failed(String topicTag, String topic, int partition, long offset, String who, String target, Throwable e) {
        ledger.release(topic, partition, offset);
        count(topicTag, "failed");
        LOG.errorf("console replay of %s/%d@%d by %s to %s failed: %s (not recorded as replayed; it can be tried again)", topic,
                partition, offset, who, target, e.toString());
        return new ConsoleInputException(502, "replay failed", "sending " + topic + "/" + partition + " offset " + offset + " to " + target
                + " failed: " + e.getMessage() + "; nothing was recorded, so it can be tried again");
    }

    /** Whether the record reached the target is not known: the claim stays (CLAIMED), so nobody replays it twice. */
    private ConsoleInputException unknown(String topicTag, String topic, int partition, long offset, String who, String target,
                                          Throwable e) {
        count(topicTag, "unknown");
        LOG.errorf("console replay of %s/%d@%d by %s to %s: outcome unknown: %s (the claim is kept; look for header %s=%s/%d/%d "
                + "on %s, then delete the row in console_replays to allow another try)", topic, partition, offset, who, target,
                e.toString(), REPLAY_OF_HEADER, topic, partition, offset, target);
        return new ConsoleInputException(502, "replay outcome unknown", "sending " + topic + "/" + partition + " offset " + offset
                + " to " + target + " did not confirm in time (" + e.getMessage() + "); it may have been written, so the record "
                + "stays claimed: check " + target + " for header " + REPLAY_OF_HEADER + " before releasing it by hand "
                + "(services/packager/README.md)");
    }

    private void count(String topic, String outcome) {
        metrics.counter("spavl.console.replays", "topic", topic, "outcome", outcome).increment();
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> cfg = new HashMap<>();
            cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            cfg.put(ProducerConfig.CLIENT_ID_CONFIG, "spavl-packager-console-replay");
            cfg.put(ProducerConfig.ACKS_CONFIG, "all");
            cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            cfg.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            cfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000);
            cfg.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(cfg);
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
