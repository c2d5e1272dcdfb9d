package dev.spavl.responder.lane;

import dev.spavl.blobstore.BlobStore;
import dev.spavl.blobstore.StoredBlob;
import dev.spavl.contracts.topics.TopicCatalog;
import dev.spavl.contracts.topics.TopicProvisioner;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.responder.catalog.ModelCatalog;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.SpavlKafkaResource;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.spavl.responder.lane.LaneTestSupport.awaitOutcome;
import static dev.spavl.responder.lane.LaneTestSupport.metric;
import static dev.spavl.responder.lane.LaneTestSupport.openAiOk;
import static dev.spavl.responder.lane.LaneTestSupport.outcomes;
import static dev.spavl.responder.lane.LaneTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lane's life cycle, run by the test as a restarted or a stopping process would run it: after a crash it
 * does not call the model again for requests whose outcome was already published, and when drained it
 * finishes the call in flight, publishes, commits and stops.
 */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(WireModelResource.class)
class LaneRecoveryTest {

    @Inject
    BlobStore blobs;
    @Inject
    ModelCatalog catalog;
    @Inject
    MeterRegistry metrics;
    @Inject
    Vertx vertx;
    @Inject
    dev.spavl.responder.service.LaneHeartbeats heartbeats;
    @ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.apicurio.registry.url")
    String registryUrl;

    private final AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
    private final String bootstrap = SpavlKafkaResource.current().bootstrapServers();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private StoredBlob image;

    @BeforeEach
    void storeAnImage() {
        image = blobs.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 1, 1}, "image/png");
        WireModelResource.server.resetAll();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    @Test
    void afterACrashRequestsWhoseOutcomeWasPublishedAreNotCalledAgain() throws Exception {
        WireModelResource.server.stubFor(post(urlEqualTo("/recover/v1/chat/completions")).willReturn(openAiOk("fresh")));
        ModelSpec spec = catalog.require("wire-recover");
        createLaneTopics(spec.id());
        List<ResponseRequested> reqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ResponseRequested req = request(image, spec.id(), "Question " + i);
            reqs.add(req);
            kafka.send("spavl.requests.wire-recover", req.getQuestionId(), req);
        }
        // the crashed predecessor: it committed before these requests, answered the first two, then died
        commitAsCrashedPredecessor(spec.id(), Instant.now().minusSeconds(5));
        for (ResponseRequested answered : reqs.subList(0, 2)) {
            // an unreadable record in front of the outcome (same key, same partition) must not end the scan
            kafka.sendRaw("spavl.responses", answered.getQuestionId(), new byte[] {0, 0, 0, 0x0F, 0x12, (byte) 0xFF, (byte) 0xFF});
            kafka.send("spavl.responses", answered.getQuestionId(), outcome(answered, "from before the crash"));
        }

        Lane lane = startLane(spec);

        for (ResponseRequested req : reqs.subList(2, 4)) {
            assertThat(awaitOutcome(kafka, req.getQuestionId(), spec.id()).getText()).isEqualTo("fresh");
        }
        WireModelResource.server.verify(2, postRequestedFor(urlEqualTo("/recover/v1/chat/completions")));
        for (ResponseRequested answered : reqs.subList(0, 2)) {
            assertThat(outcomes(kafka, answered.getQuestionId(), spec.id())).singleElement()
                    .satisfies(o -> assertThat(o.getText()).isEqualTo("from before the crash"));
        }
        assertThat(metric("spavl_responder_redelivered_requests_total", "model=\"wire-recover\",result=\"skipped\"")).isEqualTo(2.0);
        assertThat(metric("spavl_responder_redelivered_requests_total", "model=\"wire-recover\",result=\"called\"")).isEqualTo(2.0);
        lane.drain();
    }

    @Test
    void aRequestPublishedAgainAfterItWasAnsweredIsNotCalledAgain() throws Exception {
        WireModelResource.server.stubFor(post(urlEqualTo("/republish/v1/chat/completions")).willReturn(openAiOk("once")));
        ModelSpec spec = catalog.require("wire-republish");
        createLaneTopics(spec.id());
        Lane lane = startLane(spec);
        ResponseRequested req = request(image, spec.id(), "Asked twice");
        kafka.send("spavl.requests.wire-republish", req.getQuestionId(), req);
        assertThat(awaitOutcome(kafka, req.getQuestionId(), spec.id()).getText()).isEqualTo("once");

        // the generator crashed after publishing and before recording it: the same request comes again
        kafka.send("spavl.requests.wire-republish", req.getQuestionId(), req);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                metric("spavl_responder_duplicate_requests_total", "model=\"wire-republish\"") == 1.0);
        WireModelResource.server.verify(1, postRequestedFor(urlEqualTo("/republish/v1/chat/completions")));
        assertThat(outcomes(kafka, req.getQuestionId(), spec.id())).hasSize(1);
        lane.drain();
    }

    @Test
    void aDrainedLaneFinishesTheCallInFlightCommitsAndStops() throws Exception {
        WireModelResource.server.stubFor(post(urlEqualTo("/drain/v1/chat/completions")).willReturn(openAiOk("finished").withFixedDelay(1500)));
        ModelSpec spec = catalog.require("wire-drain");
        createLaneTopics(spec.id());
        Lane lane = startLane(spec);
        // a group that never committed commits its start position at assignment: a crash in the first batch
        // still leaves a commit time to recover from
        try (Admin admin = admin()) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    admin.listConsumerGroupOffsets("spavl-responder-wire-drain").partitionsToOffsetAndMetadata().get().values())
                    .isNotEmpty().allSatisfy(o -> assertThat(o.metadata()).startsWith(CommitPolicy.COMMITTED_AT)));
        }
        ResponseRequested req = request(image, spec.id(), "Slow question");
        kafka.send("spavl.requests.wire-drain", req.getQuestionId(), req);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !WireModelResource.server.findAll(postRequestedFor(urlEqualTo("/drain/v1/chat/completions"))).isEmpty());

        lane.drain();
        await().atMost(Duration.ofSeconds(20)).until(lane::stopped);

        assertThat(outcomes(kafka, req.getQuestionId(), spec.id())).singleElement()
                .satisfies(o -> assertThat(o.getStatus()).isEqualTo(ResponseStatus.OK));
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets("spavl-responder-wire-drain").partitionsToOffsetAndMetadata().get();
            long committedTotal = committed.entrySet().stream().filter(e -> e.getKey().topic().equals("spavl.requests.wire-drain"))
                    .mapToLong(e -> e.getValue().offset()).sum();
            assertThat(committedTotal).as("the answered request is committed").isEqualTo(1);
        }
        // stopped means stopped: a new request stays unanswered
        ResponseRequested late = request(image, spec.id(), "After the drain");
        kafka.send("spavl.requests.wire-drain", late.getQuestionId(), late);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(15))
                .until(() -> outcomes(kafka, late.getQuestionId(), spec.id()).isEmpty());
    }

    /**
     * A poll brings more requests than the workers take at once; a drained lane finishes what its workers hold and
     * commits no further, so the next owner answers the rest, each once.
     */
    @Test
    void aDrainedLaneLeavesItsBacklogUncommittedForTheNextOwner() throws Exception {
        WireModelResource.server.stubFor(post(urlEqualTo("/backlog/v1/chat/completions")).willReturn(openAiOk("in turn").withFixedDelay(800)));
        ModelSpec spec = catalog.require("wire-backlog"); // concurrency 1: two requests handed out at a time
        createLaneTopics(spec.id());
        List<ResponseRequested> reqs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ResponseRequested req = request(image, spec.id(), "Queued question " + i);
            reqs.add(req);
            kafka.send("spavl.requests.wire-backlog", req.getQuestionId(), req);
        }
        Lane first = startLane(spec);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !WireModelResource.server.findAll(postRequestedFor(urlEqualTo("/backlog/v1/chat/completions"))).isEmpty());
        first.drain();
        await().atMost(Duration.ofSeconds(20)).until(first::stopped);

        long answered = reqs.stream().filter(r -> !outcomes(kafka, r.getQuestionId(), spec.id()).isEmpty()).count();
        assertThat(answered).as("the drained lane answers what its workers held, not its whole poll").isBetween(1L, 4L);
        try (Admin admin = admin()) {
            long committedTotal = admin.listConsumerGroupOffsets("spavl-responder-wire-backlog").partitionsToOffsetAndMetadata().get()
                    .entrySet().stream().filter(e -> e.getKey().topic().equals("spavl.requests.wire-backlog"))
                    .mapToLong(e -> e.getValue().offset()).sum();
            assertThat(committedTotal).as("committed up to the answered requests, not past the backlog").isEqualTo(answered);
        }

        startLane(spec);
        for (ResponseRequested req : reqs) {
            assertThat(awaitOutcome(kafka, req.getQuestionId(), spec.id()).getText()).isEqualTo("in turn");
        }
        for (ResponseRequested req : reqs) {
            assertThat(outcomes(kafka, req.getQuestionId(), spec.id())).as("answered once").hasSize(1);
        }
        WireModelResource.server.verify(6, postRequestedFor(urlEqualTo("/backlog/v1/chat/completions")));
    }

    /**
     * A lane whose outcomes the broker will not take stops, and says so at once: its crash is reported before its
     * workers have finished (health and heartbeats read it), and the request stays uncommitted for the next process.
     */
    @Test
    void aLaneThatCannotPublishStopsAndReportsItAtOnce() throws Exception {
        WireModelResource.server.stubFor(post(urlEqualTo("/crash/v1/chat/completions")).willReturn(openAiOk("lost")));
        ModelSpec spec = catalog.require("wire-crash");
        createLaneTopics(spec.id());
        java.util.concurrent.CompletableFuture<Exception> told = new java.util.concurrent.CompletableFuture<>();
        // as the supervisor wires it: the heartbeats hear of the stop
        Lane lane = startLane(spec, true, e -> {
            heartbeats.laneStopped(spec.id(), e);
            told.complete(e);
        });
        ResponseRequested req = request(image, spec.id(), "Nobody will hear the answer");
        kafka.send("spavl.requests.wire-crash", req.getQuestionId(), req);

        Exception reason = told.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(lane.crash()).isSameAs(reason);
        assertThat(reason).hasMessageContaining("closed");
        assertThat(outcomes(kafka, req.getQuestionId(), spec.id())).isEmpty();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(kafka.<dev.spavl.events.ResponderHeartbeat>readAll(
                        "spavl.responders", Duration.ofSeconds(5)).stream().filter(r -> spec.id().equals(r.key()))
                .reduce((a, b) -> b).orElseThrow().value().getStatus()).isEqualTo(dev.spavl.events.ResponderStatus.RETIRED));
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets("spavl-responder-wire-crash").partitionsToOffsetAndMetadata().get();
            assertThat(committed.entrySet().stream().filter(e -> e.getKey().topic().equals("spavl.requests.wire-crash"))
                    .mapToLong(e -> e.getValue().offset()).sum()).as("the unanswered request is not committed").isZero();
        }
    }

    private Lane startLane(ModelSpec spec) {
        return startLane(spec, false, e -> { });
    }

    private Lane startLane(ModelSpec spec, boolean producerClosed, java.util.function.Consumer<Exception> onCrash) {
        KafkaProducer<String, Object> producer = new KafkaProducer<>(LaneSupervisor.producerConfig(bootstrap, registryUrl,
                AvroKafkaSerializer.class.getName(), StringSerializer.class.getName()));
        if (producerClosed) {
            producer.close();
        }
        KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(LaneSupervisor.producerConfig(bootstrap, registryUrl,
                ByteArraySerializer.class.getName(), ByteArraySerializer.class.getName()));
        closeAfter.add(producer);
        closeAfter.add(raw);
        Lane lane = new Lane(spec, dev.spavl.responder.client.BuiltInResponders.create(spec, vertx, 1L),
                new KafkaConsumer<>(LaneSupervisor.requestConsumerConfig(bootstrap, registryUrl, spec)), producer, raw, new ImageCache(blobs, 64L << 20),
                metrics, new dev.spavl.observability.KafkaTraceContext(io.opentelemetry.api.OpenTelemetry.noop(), "test"), "spavl",
                () -> new KafkaConsumer<>(LaneSupervisor.outcomeReaderConfig(bootstrap, registryUrl, spec.id())));
        lane.onCrash(onCrash);
        Thread t = new Thread(lane, "test-lane-" + spec.id());
        t.setDaemon(true);
        t.start();
        closeAfter.add(0, () -> {
            lane.drain();
            t.join(20_000);
        });
        return lane;
    }

    private void createLaneTopics(String model) throws Exception {
        try (Admin admin = admin()) {
            new TopicProvisioner(admin).provision(TopicCatalog.bundled().resolve("spavl", List.of(model)).stream()
                    .filter(t -> t.name().startsWith("spavl.requests." + model)).toList());
        }
    }

    /** Offsets at the start of every request partition, committed by a lane that died at {@code at}. */
    private void commitAsCrashedPredecessor(String model, Instant at) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            int partitions = admin.describeTopics(List.of("spavl.requests." + model)).allTopicNames().get()
                    .get("spavl.requests." + model).partitions().size();
            for (int p = 0; p < partitions; p++) {
                offsets.put(new TopicPartition("spavl.requests." + model, p), new OffsetAndMetadata(0, CommitPolicy.COMMITTED_AT + at.toEpochMilli()));
            }
            admin.alterConsumerGroupOffsets("spavl-responder-" + model, offsets).all().get();
        }
    }

    private ResponseOutcome outcome(ResponseRequested req, String text) {
        return ResponseOutcome.newBuilder()
                .setEventId("evt-" + req.getQuestionId())
                .setRunId(req.getRunId())
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setQuestionId(req.getQuestionId())
                .setModelId(req.getModelId())
                .setStatus(ResponseStatus.OK)
                .setText(text)
                .setFinishReason("stop")
                .setTokensIn(1)
                .setTokensOut(1)
                .setLatencyMs(1L)
                .setCostUsd(BigDecimal.ZERO.setScale(8))
                .setAttempts(1)
                .setSimulated(false)
                .build();
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
