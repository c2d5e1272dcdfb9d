package dev.spavl.responder.lane;

import dev.spavl.events.ResponseOutcome;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * After a crash, the requests handled since the lane's last commit are delivered again. Some were
 * answered and their outcome published before the crash: this finds them by reading the outcomes topic
 * from the last commit time on (a short tail, kept cheap by committing after every batch), so the lane can
 * skip them instead of calling the model again. Requests answered but not yet published at the crash
 * cannot be told apart and are called again; the lane counts both kinds.
 */
final class AnsweredQuestions {

    private static final Logger LOG = Logger.getLogger(AnsweredQuestions.class);
    /** Producer clocks of other pods may be behind the committing pod's clock by this much. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(30);

    private final String model;
    private final String outcomesTopic;
    private final Supplier<KafkaConsumer<String, ResponseOutcome>> consumers;
    private final Set<String> answered = ConcurrentHashMap.newKeySet();

    AnsweredQuestions(String model, String outcomesTopic, Supplier<KafkaConsumer<String, ResponseOutcome>> consumers) {
        this.model = model;
        this.outcomesTopic = outcomesTopic;
        this.consumers = consumers;
    }

    /** Reads this model's outcomes published since {@code since} (minus the clock skew); returns how many. */
    int loadSince(Instant since) {
        long from = since.minus(CLOCK_SKEW).toEpochMilli();
        int found = 0;
        long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
        try (KafkaConsumer<String, ResponseOutcome> c = consumers.get()) {
            List<PartitionInfo> infos = c.partitionsFor(outcomesTopic, SCAN_TIMEOUT);
            List<TopicPartition> parts = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            Map<TopicPartition, Long> query = new HashMap<>();
            parts.forEach(p -> query.put(p, from));
            Map<TopicPartition, OffsetAndTimestamp> starts = c.offsetsForTimes(query, SCAN_TIMEOUT);
            Map<TopicPartition, Long> ends = c.endOffsets(parts, SCAN_TIMEOUT);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition p : parts) {
                OffsetAndTimestamp start = starts.get(p);
                if (start == null || start.offset() >= ends.get(p)) {
                    c.pause(List.of(p)); // nothing published there since
                    continue;
                }
                c.seek(p, start.offset());
                remaining.put(p, ends.get(p));
            }
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                ConsumerRecords<String, ResponseOutcome> batch;
                try {
                    batch = c.poll(Duration.ofMillis(500));
                } catch (RecordDeserializationException e) {
                    // a record no reader can decode (it went to the consumers' dead-letter topics): not an outcome of ours
                    LOG.infof("lane %s: skipped an unreadable record at %s offset %d while reading recent outcomes: %s",
                            model, e.topicPartition(), e.offset(), e.getMessage());
                    c.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, ResponseOutcome> r : batch) {
                    // another event type on the topic is refused by the deserializer (skipped above), never cast here
                    if (r.value() != null && model.equals(r.value().getModelId()) && answered.add(r.value().getQuestionId())) {
                        found++;
                    }
                }
                remaining.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
            if (!remaining.isEmpty()) {
                LOG.warnf("lane %s: outcomes since %s not fully read within %s; some redelivered requests may be answered twice",
                        model, Instant.ofEpochMilli(from), SCAN_TIMEOUT);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "lane %s: could not read recent outcomes; redelivered requests are answered again", model);
        }
        return found;
    }

    /** True once per question found by {@link #loadSince}: the caller skips that request. */
    boolean claim(String questionId) {
        return answered.remove(questionId);
    }
}
