package dev.spavl.responder.lane;

import dev.spavl.events.RunCancelled;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs cancelled so far, for every lane of the process: the compacted cancellations topic read from its start
 * (no group: every process needs all of it) and followed. A lane drops a request of a listed run without calling the
 * model. A cancel is seen within a poll (about a second); a request taken before that is answered as usual.
 * An unreadable record is skipped with a log line (a record of no run cancels nothing).
 */
public final class CancelledRuns implements Runnable {

    private static final Logger LOG = Logger.getLogger(CancelledRuns.class);

    private final Set<String> runs = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<String, RunCancelled> consumer;
    private final String topic;
    private volatile boolean running = true;

    public CancelledRuns(KafkaConsumer<String, RunCancelled> consumer, String topic) {
        this.consumer = consumer;
        this.topic = topic;
    }

    public boolean contains(String runId) {
        return runId != null && runs.contains(runId);
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                try {
                    for (ConsumerRecord<String, RunCancelled> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.value() != null && runs.add(r.value().getRunId())) {
                            LOG.infof("run %s is cancelled: its queued requests are dropped without a model call", r.value().getRunId());
                        }
                    }
                } catch (RecordDeserializationException e) {
                    LOG.warnf("%s: skipped an unreadable record at %s@%d (%s)", topic, e.topicPartition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (RuntimeException e) {
            LOG.errorf(e, "reading %s stopped: runs cancelled from now on are not seen by this process's lanes", topic);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The topic's partitions, waiting while it does not exist yet (an older install: provisioning adds it). */
    private List<TopicPartition> awaitPartitions() {
        while (running) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            LOG.warnf("%s does not exist yet: cancelled runs are not dropped by the lanes until it does", topic);
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    public void close() {
        running = false;
        consumer.wakeup();
    }
}
