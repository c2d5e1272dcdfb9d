package dev.spavl.packager.lag;

import dev.spavl.contracts.topics.TopicNames;
import dev.spavl.packager.config.PackagerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Consumer lag of every spavl consumer group on every topic it reads, in records and in estimated seconds
 * ({@link LagEstimator}), computed in one place with the Kafka Admin API and exported as metrics:
 * {@code spavl_consumer_lag_records{group,topic}}, {@code spavl_consumer_lag_seconds{group,topic}} and
 * {@code spavl_consumer_consumption_rate{group,topic}} (records per second). Partitions a member is assigned but
 * whose offsets the group never committed count from the topic's earliest offset. The same round counts the records
 * held in every dead-letter topic ({@code <prefix>.*.dlq}: end minus earliest offset over its partitions) as
 * {@code spavl_dead_letter_records{topic}}, so an alert sees a dead letter of any service in one place.
 */
@ApplicationScoped
public class ConsumerLagMonitor {

    private static final Logger LOG = Logger.getLogger(ConsumerLagMonitor.class);
    private static final long TIMEOUT_SECONDS = 20;

    private final PackagerConfig.Lag config;
    private final String bootstrap;
    private final LagEstimator estimator;
    private final Pattern excluded;
    private final MultiGauge records;
    private final MultiGauge seconds;
    private final MultiGauge rate;
    private final MultiGauge deadLetters;
    private final MeterRegistry metrics;
    private final String topicPrefix;
    private Admin admin;
    private volatile LagSnapshot latest = LagSnapshot.NONE;

    public ConsumerLagMonitor(PackagerConfig config, MeterRegistry metrics,
                              @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                              @ConfigProperty(name = "spavl.topic-prefix") String topicPrefix) {
        this.config = config.lag();
        this.bootstrap = bootstrap;
        this.topicPrefix = topicPrefix;
        this.metrics = metrics;
        this.estimator = new LagEstimator(this.config.window());
        this.excluded = Pattern.compile(this.config.excludeGroups());
        this.records = MultiGauge.builder("spavl.consumer.lag.records")
                .description("records the consumer group has not consumed yet, per topic").register(metrics);
        this.seconds = MultiGauge.builder("spavl.consumer.lag.seconds")
                .description("estimated seconds until the group catches up at its recent rate (+Inf: consuming nothing)")
                .register(metrics);
        this.rate = MultiGauge.builder("spavl.consumer.consumption.rate")
                .description("records per second the group consumed over the lag window").register(metrics);
        this.deadLetters = MultiGauge.builder("spavl.dead.letter.records")
                .description("records currently held in the dead-letter topic (end minus earliest offset, all partitions)")
                .register(metrics);
    }

    @Scheduled(every = "${spavl.packager.lag.interval:15s}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (!config.enabled()) {
            return; // another instance measures (spavl.packager.lag.enabled=false here)
        }
        try {
            measure(Instant.now());
        } catch (Exception e) {
            metrics.counter("spavl.consumer.lag.failures").increment();
            LOG.warnf("consumer lag not measured this round (%s: %s); next round in %s", e.getClass().getSimpleName(),
                    e.getMessage(), config.interval());
        }
    }

    /** One round: every group's committed offsets against the end offsets, into the gauges. Blocking (Admin calls). */
    void measure(Instant now) throws Exception {
        Admin a = admin();
        List<String> groups = new ArrayList<>();
        for (ConsumerGroupListing g : a.listConsumerGroups().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            if (g.groupId().startsWith(config.groupPrefix()) && !excluded.matcher(g.groupId()).matches()) {
                groups.add(g.groupId());
            }
        }
        Map<String, ConsumerGroupDescription> described = groups.isEmpty() ? Map.of()
                : a.describeConsumerGroups(groups).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, Map<TopicPartition, Long>> committedByGroup = new TreeMap<>();
        Set<TopicPartition> partitions = new HashSet<>();
        for (String group : groups) {
            Map<TopicPartition, Long> committed = new HashMap<>();
            a.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .forEach((tp, om) -> {
                        if (om != null) {
                            committed.put(tp, om.offset());
                        }
                    });
            ConsumerGroupDescription d = described.get(group);
            if (d != null) {
                d.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> committed.putIfAbsent(tp, -1L)));
            }
            committedByGroup.put(group, committed);
            partitions.addAll(committed.keySet());
        }
        Map<TopicPartition, Long> ends = offsets(a, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> starts = offsets(a, partitions, OffsetSpec.earliest());

        List<MultiGauge.Row<?>> recordRows = new ArrayList<>();
        List<MultiGauge.Row<?>> secondRows = new ArrayList<>();
        List<MultiGauge.Row<?>> rateRows = new ArrayList<>();
        List<LagSnapshot.Entry> entries = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        committedByGroup.forEach((group, committed) -> {
            Map<String, long[]> byTopic = new TreeMap<>(); // topic -> {committed, end}
            committed.forEach((tp, offset) -> {
                Long end = ends.get(tp);
                if (end == null) {
                    return; // the topic is gone
                }
                long c = offset < 0 ? starts.getOrDefault(tp, 0L) : offset;
                long[] sum = byTopic.computeIfAbsent(tp.topic(), t -> new long[2]);
                sum[0] += c;
                sum[1] += end;
            });
            byTopic.forEach((topic, sum) -> {
                String key = group + "|" + topic;
                keys.add(key);
                LagEstimator.Estimate e = estimator.observe(key, now, sum[0], sum[1]);
                Tags tags = Tags.of("group", group, "topic", topic);
                recordRows.add(MultiGauge.Row.of(tags, e.records()));
                secondRows.add(MultiGauge.Row.of(tags, e.seconds()));
                rateRows.add(MultiGauge.Row.of(tags, e.ratePerSecond()));
                entries.add(new LagSnapshot.Entry(group, topic, e.records(), e.ratePerSecond(), e.seconds()));
            });
        });
        estimator.retainOnly(keys);
        records.register(recordRows, true);
        seconds.register(secondRows, true);
        rate.register(rateRows, true);
        latest = new LagSnapshot(now, List.copyOf(entries));
        measureDeadLetters(a);
    }

    /** Records held in each dead-letter topic of this prefix, whether or not anyone consumes it. */
    private void measureDeadLetters(Admin a) throws Exception {
        List<String> topics = a.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                .filter(t -> TopicNames.isDeadLetterOf(topicPrefix, t)).sorted().toList();
        Set<TopicPartition> partitions = new HashSet<>();
        if (!topics.isEmpty()) {
            a.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
        }
        Map<TopicPartition, Long> ends = offsets(a, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> starts = offsets(a, partitions, OffsetSpec.earliest());
        Map<String, Long> held = new TreeMap<>();
        topics.forEach(t -> held.put(t, 0L));
        for (TopicPartition tp : partitions) {
            held.merge(tp.topic(), Math.max(0, ends.getOrDefault(tp, 0L) - starts.getOrDefault(tp, 0L)), Long::sum);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        held.forEach((topic, n) -> rows.add(MultiGauge.Row.of(Tags.of("topic", topic), n)));
        deadLetters.register(rows, true);
    }

    /** The last round's figures (what the gauges show), for the console; no extra Admin calls. */
    public LagSnapshot latest() {
        return latest;
    }

    private static Map<TopicPartition, Long> offsets(Admin a, Collection<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
                : a.listOffsets(query).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet()) {
            out.put(e.getKey(), e.getValue().offset());
        }
        return out;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.CLIENT_ID_CONFIG, "spavl-packager-lag-monitor",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS) / 2,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)));
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(5));
        }
    }
}
