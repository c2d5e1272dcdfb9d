package dev.spavl.responder.lane;

import dev.spavl.contracts.topics.TopicNames;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.responder.catalog.ModelCatalog;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.client.ModelResponders;
import dev.spavl.responder.service.LaneHeartbeats;
import dev.spavl.contracts.serde.ExplainingAvroDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import dev.spavl.observability.KafkaTraceContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts one {@link Lane} per hosted model, each on its own thread with its own consumer, and drains
 * them at shutdown after the heartbeats have said DRAINING. The lanes use the Kafka clients directly
 * because their number is only known at start (SPAVL_RESPONDER_MODELS and the catalog), while
 * SmallRye channels are fixed at build time.
 */
@ApplicationScoped
public class LaneSupervisor {

    private static final Logger LOG = Logger.getLogger(LaneSupervisor.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    /** Requests a lane's poll brings at most (more when twice its concurrency is more). */
    static final int POLL_RECORDS = 200;

    private final LaneHeartbeats heartbeats;
    private final ModelCatalog catalog;
    private final MeterRegistry metrics;
    private final KafkaTraceContext traces;
    private final ModelResponders responders;
    private final String bootstrap;
    private final String registryUrl;
    private final String topicPrefix;
    private final boolean createLaneTopics;
    private final ImageCache images;
    private final int lingerMs;
    private final String compression;
    private final List<Lane> lanes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private KafkaProducer<String, Object> producer;
    private KafkaProducer<byte[], byte[]> rawProducer;
    private CancelledRuns cancelledRuns;

    public LaneSupervisor(LaneHeartbeats heartbeats, ModelCatalog catalog, BlobStore blobs, MeterRegistry metrics,
                          OpenTelemetry openTelemetry, ModelResponders responders,
                          @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                          @ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.url") String registryUrl,
                          @ConfigProperty(name = "spavl.topic-prefix") String topicPrefix,
                          @ConfigProperty(name = "spavl.responder.create-lane-topics", defaultValue = "true") boolean createLaneTopics,
                          @ConfigProperty(name = "spavl.responder.image-cache-size", defaultValue = "64M") MemorySize imageCacheSize,
                          @ConfigProperty(name = "spavl.kafka.producer.linger-ms", defaultValue = "5") int lingerMs,
                          @ConfigProperty(name = "spavl.kafka.producer.compression", defaultValue = "lz4") String compression) {
        this.createLaneTopics = createLaneTopics;
        this.lingerMs = lingerMs;
        this.compression = compression;
        // one cache for all lanes: a question's image is asked for by every lane it fans out to
        this.images = new ImageCache(blobs, imageCacheSize.asLongValue());
        this.heartbeats = heartbeats;
        this.catalog = catalog;
        this.metrics = metrics;
        this.traces = new KafkaTraceContext(openTelemetry, "spavl-responder");
        this.responders = responders;
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.topicPrefix = topicPrefix;
    }

    void onStart(@Observes StartupEvent ev) {
        if (createLaneTopics) {
            ensureLaneTopics();
        }
        producer = new KafkaProducer<>(batched(producerConfig(bootstrap, registryUrl, AvroKafkaSerializer.class.getName(),
                StringSerializer.class.getName())));
        rawProducer = new KafkaProducer<>(batched(producerConfig(bootstrap, registryUrl, ByteArraySerializer.class.getName(),
                ByteArraySerializer.class.getName())));
        cancelledRuns = new CancelledRuns(new KafkaConsumer<>(cancellationsReaderConfig(bootstrap, registryUrl, topicPrefix)),
                topicPrefix + ".cancellations");
        Thread reader = new Thread(cancelledRuns, "cancelled-runs");
        reader.setDaemon(true);
        reader.start();
        for (String id : heartbeats.lanes()) {
            ModelSpec spec = catalog.require(id);
            Lane lane = new Lane(spec, responders.forLane(spec),
                    new KafkaConsumer<>(requestConsumerConfig(bootstrap, registryUrl, spec)), producer, rawProducer, images, metrics,
                    traces, topicPrefix, () -> new KafkaConsumer<>(outcomeReaderConfig(bootstrap, registryUrl, spec.id())));
            lane.onCrash(e -> heartbeats.laneStopped(id, e));
            lane.dropRunsWhere(cancelledRuns::contains);
            Thread t = new Thread(lane, "lane-" + id);
            t.setDaemon(true);
            lanes.add(lane);
            threads.add(t);
            t.start();
        }
        LOG.infof("%d lane(s) consuming", lanes.size());
    }

    /**
     * A model added by configuration has no topics yet: create its request, retry and dead-letter topics
     * from the same topic list (schemas/topics.yaml) the provisioner uses. Existing topics are left as they
     * are; set spavl.responder.create-lane-topics=false where the service may not administer topics.
     */
    private void ensureLaneTopics() {
        List<dev.spavl.contracts.topics.TopicSpec> specs = dev.spavl.contracts.topics.TopicCatalog.bundled()
                .resolve(topicPrefix, heartbeats.lanes()).stream()
                .filter(t -> t.name().startsWith(TopicNames.requestsPrefix(topicPrefix)))
                .toList();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var report = new dev.spavl.contracts.topics.TopicProvisioner(admin).provision(specs);
            if (!report.created().isEmpty()) {
                LOG.infof("created lane topics %s", report.created());
            }
        } catch (Exception e) {
            LOG.warnf(e, "could not create the lane topics; lanes whose topics are missing wait until they exist");
        }
    }

    /** Lane id -> whether it is still consuming (for the readiness check): its thread runs and it has not stopped on an error. */
    public Map<String, Boolean> status() {
        Map<String, Boolean> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < lanes.size(); i++) {
            out.put(lanes.get(i).modelId(), threads.get(i).isAlive() && lanes.get(i).crash() == null);
        }
        return out;
    }

    /** Lane id -> the error its loop stopped on, for every lane that stopped without being drained (the liveness check). */
    public Map<String, String> crashed() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Lane lane : lanes) {
            Exception e = lane.crash();
            if (e != null) {
                out.put(lane.modelId(), String.valueOf(e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
            }
        }
        return out;
    }

    /** After the heartbeats' DRAINING (priority 10): stop taking requests, finish in-flight ones, commit, close. */
    void onStop(@Observes @Priority(20) ShutdownEvent ev) {
        lanes.forEach(Lane::drain);
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warnf("%s did not drain within %s; its uncommitted requests are redelivered", t.getName(), DRAIN_TIMEOUT);
            }
        }
        if (cancelledRuns != null) {
            cancelledRuns.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
            rawProducer.close(Duration.ofSeconds(10));
        }
    }

    /** The lane's consumer of its request and retry topics: group {@code spavl-responder-<model>}, manual commits. */
    static Map<String, Object> requestConsumerConfig(String bootstrap, String registryUrl, ModelSpec spec) {
        Map<String, Object> c = avroConsumer(bootstrap, registryUrl);
        // a record of another event type is unreadable here, so the lane dead-letters its bytes and goes on
        c.put(ExplainingAvroDeserializer.EXPECTED_TYPE, ResponseRequested.class.getName());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "spavl-responder-" + spec.id());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "spavl-responder-" + spec.id());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // batches larger than the workers take at once: the lane keeps the rest in its backlog (uncommitted, paused)
        // and hands it out as workers free up, so a fast model is not held up by a poll round trip per few requests
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.max(POLL_RECORDS, spec.concurrency() * 2)));
        // a batch may wait on retries with backoff and an open circuit; the group must not evict the lane meanwhile
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.toString((int) Duration.ofMinutes(15).toMillis()));
        // a topic created after the lane started (a model added later) is found quickly
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
        return c;
    }

    /** A group-less reader of the cancellations topic, from its start. */
    static Map<String, Object> cancellationsReaderConfig(String bootstrap, String registryUrl, String topicPrefix) {
        Map<String, Object> c = avroConsumer(bootstrap, registryUrl);
        c.put(ExplainingAvroDeserializer.TOPIC_PREFIX, topicPrefix);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "spavl-responder-cancellations");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return c;
    }

    /** A group-less reader of the outcomes topic, for the lane's recovery after a crash. */
    static Map<String, Object> outcomeReaderConfig(String bootstrap, String registryUrl, String model) {
        Map<String, Object> c = avroConsumer(bootstrap, registryUrl);
        c.put(ExplainingAvroDeserializer.EXPECTED_TYPE, ResponseOutcome.class.getName());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "spavl-responder-" + model + "-recovery");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return c;
    }

    private static Map<String, Object> avroConsumer(String bootstrap, String registryUrl) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ExplainingAvroDeserializer.class.getName());
        c.put("apicurio.registry.url", registryUrl);
        c.put("apicurio.registry.use-specific-avro-reader", "true");
        c.put("apicurio.registry.avro-datum-provider", "dev.spavl.contracts.serde.CachingAvroDatumProvider");
        return c;
    }

    /** The lanes' outcomes leave as the services' records do: lingering and compressed (spavl.kafka.producer.*). */
    private Map<String, Object> batched(Map<String, Object> config) {
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        return config;
    }

    static Map<String, Object> producerConfig(String bootstrap, String registryUrl, String valueSerializer, String keySerializer) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "spavl-responder-outcomes-" + valueSerializer.hashCode());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        // the lanes' sends are in flight together: retries must neither duplicate nor reorder them
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, keySerializer);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, valueSerializer);
        c.put("apicurio.registry.url", registryUrl);
        c.put("apicurio.registry.auto-register", "true");
        c.put("apicurio.registry.dereference-schema", "true");
        c.put("apicurio.registry.avro-datum-provider", "dev.spavl.contracts.serde.CachingAvroDatumProvider");
        return c;
    }
}
