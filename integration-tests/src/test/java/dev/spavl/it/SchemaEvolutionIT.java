package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spavl.contracts.serde.ExplainingAvroDeserializer;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseStatus;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.SpavlKafkaResource;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Schema evolution with the real registry (Apicurio, global rule BACKWARD) and a real broker: a compatible change to
 * {@code ResponseOutcome} (a new field with a default) is registered and rolled out while producers and consumers of
 * the released schema keep running. Old and new producers write to the same topic; an old consumer (the generated
 * class, as every service reads) and a new one (reader schema = the new version) read every record side by side.
 * An incompatible change (a new field without a default) is refused by the registry with a reason. The changed
 * schemas live in this test's resources only; the real contract is untouched. The rollout order is documented in
 * schemas/README.md.
 */
class SchemaEvolutionIT {

    static {
        // the Kafka clients log their whole configuration, the in-JVM broker every step, at INFO: keep the output readable
        for (String category : List.of("org.apache.kafka", "kafka", "state.change.logger")) {
            org.jboss.logmanager.LogContext.getLogContext().getLogger(category).setLevel(java.util.logging.Level.WARNING);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "spavl.responses";
    private static final String SUBJECT = TOPIC + "-value";
    private static final Schema RELEASED = ResponseOutcome.getClassSchema();
    private static final Schema NEXT = withField(RELEASED, "optional-field.json");
    private static final String NEW_FIELD = "answer_language";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static SpavlKafkaResource kafka;

    @BeforeAll
    static void startKafkaAndRegistry() {
        kafka = new SpavlKafkaResource();
        kafka.start(); // every topic created, every subject registered with the released schema, as ./spavl up does
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void aNewFieldWithADefaultIsRolledOutWhileOldAndNewConsumersRunSideBySide() throws Exception {
        assertThat(RELEASED).as("the generated class is the latest released version").isEqualTo(latestReleased("ResponseOutcome"));
        JsonNode before = ccompat("GET", "/subjects/" + enc(SUBJECT) + "/versions/latest", null);
        assertThat(new Schema.Parser().parse(before.path("schema").asText())).as("the registry holds the released schema").isEqualTo(RELEASED);
        int releasedId = before.path("id").asInt();
        int versionsBefore = ccompat("GET", "/subjects/" + enc(SUBJECT) + "/versions", null).size();

        List<ConsumerRecord<String, ResponseOutcome>> oldRead = new CopyOnWriteArrayList<>();
        List<ConsumerRecord<String, GenericRecord>> newRead = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService consumers = Executors.newFixedThreadPool(2);
        try (KafkaProducer<String, ResponseOutcome> oldProducer = new KafkaProducer<>(producerConfig());
             KafkaProducer<String, GenericRecord> newProducer = new KafkaProducer<>(producerConfig())) {
            // both consumers run from before the change until after it: a service that was not redeployed and one that was
            consumers.submit(() -> consume(oldConsumerConfig(), oldRead, stop));
            consumers.submit(() -> consume(newConsumerConfig(), newRead, stop));

            Map<String, ResponseOutcome> sentOld = new HashMap<>();
            Map<String, GenericRecord> sentNew = new HashMap<>();
            send(oldProducer, outcome(1), sentOld);

            // step 1 of the rollout: the registry checks the new version against the rule and accepts it
            JsonNode check = ccompat("POST", "/compatibility/subjects/" + enc(SUBJECT) + "/versions/latest", NEXT.toString());
            assertThat(check.path("is_compatible").asBoolean()).as("compatibility check: %s", check).isTrue();
            JsonNode registered = ccompat("POST", "/subjects/" + enc(SUBJECT) + "/versions", NEXT.toString());
            int nextId = registered.path("id").asInt();
            assertThat(nextId).as("the new version's id: %s", registered).isPositive().isNotEqualTo(releasedId);

            // then old and new producers write side by side (a rollout is never atomic)
            for (int i = 2; i <= 4; i++) {
                GenericRecord next = asNextVersion(outcome(10 + i), "en");
                newProducer.send(new ProducerRecord<>(TOPIC, next.get("question_id").toString(), next)).get(30, TimeUnit.SECONDS);
                sentNew.put(next.get("event_id").toString(), next);
                send(oldProducer, outcome(i), sentOld);
            }
            int total = sentOld.size() + sentNew.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> oldRead.size() >= total && newRead.size() >= total);
            stop.set(true);

            // the old consumer (generated class = released schema) reads every record; the new field is dropped
            assertThat(oldRead).hasSize(total);
            for (ConsumerRecord<String, ResponseOutcome> r : oldRead) {
                ResponseOutcome read = r.value();
                assertThat(read).as("old consumer, key %s", r.key()).isInstanceOf(ResponseOutcome.class);
                if (sentOld.containsKey(read.getEventId())) {
                    assertThat(read).isEqualTo(sentOld.get(read.getEventId()));
                } else {
                    GenericRecord written = sentNew.get(read.getEventId());
                    assertThat(written).as("a record the old consumer read: %s", read).isNotNull();
                    assertThat(read).as("a new-version record read with the released schema").isEqualTo(outcome(number(written)));
                }
            }
            // the new consumer (reader schema = the new version) reads every record; old ones get the field's default
            assertThat(newRead).hasSize(total);
            for (ConsumerRecord<String, GenericRecord> r : newRead) {
                GenericRecord read = r.value();
                assertThat(read.getSchema()).isEqualTo(NEXT);
                String eventId = read.get("event_id").toString();
                if (sentOld.containsKey(eventId)) {
                    ResponseOutcome written = sentOld.get(eventId);
                    assertThat(read.get(NEW_FIELD)).as("default for a record written before the change").hasToString("und");
                    assertThat(read.get("text")).hasToString(written.getText());
                    assertThat(read.get("status")).hasToString(written.getStatus().name());
                } else {
                    assertThat(sentNew).containsKey(eventId);
                    assertThat(read.get(NEW_FIELD)).as("the value the new producer wrote").hasToString("en");
                    assertThat(read).isEqualTo(sentNew.get(eventId));
                }
            }

            // every record names its writer's schema; the serializers registered nothing beyond the one new version
            Map<String, Integer> idByEvent = new HashMap<>();
            new AvroTopicClient(kafka.bootstrapServers(), kafka.registryUrl()).readAllRaw(TOPIC, Duration.ofSeconds(30))
                    .forEach(r -> idByEvent.put(r.key(), ByteBuffer.wrap(r.value(), 1, 4).getInt()));
            sentOld.values().forEach(o -> assertThat(idByEvent.get(o.getQuestionId())).as("old record %s", o.getQuestionId()).isEqualTo(releasedId));
            sentNew.values().forEach(n -> assertThat(idByEvent.get(n.get("question_id").toString())).isEqualTo(nextId));
            assertThat(ccompat("GET", "/subjects/" + enc(SUBJECT) + "/versions", null)).hasSize(versionsBefore + 1);
            System.out.printf("schema evolution: %d records (%d released, %d with %s) on %s; the old consumer read %d, the new "
                            + "one %d; schema ids %d (released) and %d (new version)%n",
                    total, sentOld.size(), sentNew.size(), NEW_FIELD, TOPIC, oldRead.size(), newRead.size(), releasedId, nextId);
        } finally {
            stop.set(true);
            consumers.shutdown();
            assertThat(consumers.awaitTermination(30, TimeUnit.SECONDS)).as("consumers stopped").isTrue();
        }
    }

    @Test
    void aNewFieldWithoutADefaultIsRefusedByTheRegistry() throws Exception {
        Schema breaking = withField(RELEASED, "required-field.json");
        JsonNode check = ccompat("POST", "/compatibility/subjects/" + enc(SUBJECT) + "/versions/latest", breaking.toString());
        assertThat(check.path("is_compatible").asBoolean()).as("compatibility check: %s", check).isFalse();

        HttpResponse<String> refused = post("/subjects/" + enc(SUBJECT) + "/versions", breaking.toString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        JsonNode error = JSON.readTree(refused.body());
        assertThat(error.path("message").asText()).as("the reason given: %s", refused.body())
                .contains("Incompatible").contains(SUBJECT).contains("toxicity");

        // a producer built with it (auto-register, as the services run) cannot write: nothing reaches the topic
        int before = new AvroTopicClient(kafka.bootstrapServers(), kafka.registryUrl()).readAllRaw(TOPIC, Duration.ofSeconds(30)).size();
        GenericRecord released = new GenericDatumReader<GenericRecord>(RELEASED)
                .read(null, DecoderFactory.get().binaryDecoder(encode(outcome(99)), null));
        GenericRecord record = new GenericData.Record(breaking);
        RELEASED.getFields().forEach(f -> record.put(f.name(), released.get(f.name())));
        record.put("toxicity", 0.25);
        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(producerConfig())) {
            // the serializer's own message is terse (the registry's RuleViolationError); the reason is the one above
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "q-99", record)).get(30, TimeUnit.SECONDS))
                    .hasStackTraceContaining("RuleViolation");
        }
        assertThat(new AvroTopicClient(kafka.bootstrapServers(), kafka.registryUrl()).readAllRaw(TOPIC, Duration.ofSeconds(30)))
                .hasSize(before);
        System.out.println("schema evolution: the registry refused a new field without a default: " + error.path("message").asText());
    }

    // ------------------------------------------------------------------------------------------ clients

    private static void send(KafkaProducer<String, ResponseOutcome> producer, ResponseOutcome outcome, Map<String, ResponseOutcome> sent)
            throws Exception {
        producer.send(new ProducerRecord<>(TOPIC, outcome.getQuestionId(), outcome)).get(30, TimeUnit.SECONDS);
        sent.put(outcome.getEventId(), outcome);
    }

    private static <V> void consume(Map<String, Object> config, List<ConsumerRecord<String, V>> into, AtomicBoolean stop) {
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(TOPIC));
            while (!stop.get()) {
                consumer.poll(Duration.ofMillis(200)).forEach(into::add);
                consumer.commitSync();
            }
        }
    }

    /** As the services produce: Apicurio's serializer, auto-registering, one self-contained schema per subject. */
    private static Map<String, Object> producerConfig() {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        cfg.put("apicurio.registry.url", kafka.registryUrl());
        cfg.put("apicurio.registry.auto-register", "true");
        cfg.put("apicurio.registry.dereference-schema", "true");
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        return cfg;
    }

    private static Map<String, Object> consumerConfig(String group) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, group + "-" + UUID.randomUUID());
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cfg.put("apicurio.registry.url", kafka.registryUrl());
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ExplainingAvroDeserializer.class.getName());
        return cfg;
    }

    /** A service as deployed: the generated classes, i.e. the released schema as its reader schema. */
    private static Map<String, Object> oldConsumerConfig() {
        Map<String, Object> cfg = consumerConfig("evolution-old");
        cfg.put("apicurio.registry.use-specific-avro-reader", "true");
        return cfg;
    }

    /** A consumer already on the new version: reads every record, whoever wrote it, into the new schema. */
    private static Map<String, Object> newConsumerConfig() {
        Map<String, Object> cfg = consumerConfig("evolution-new");
        cfg.put("apicurio.registry.avro-datum-provider", NextVersionReader.class.getName());
        return cfg;
    }

    /** Decodes with the writer's schema (found by the id in the record) resolved to the new version as reader schema. */
    public static final class NextVersionReader extends DefaultAvroDatumProvider<GenericRecord> {
        @Override
        public DatumReader<GenericRecord> createDatumReader(Schema writer) {
            return new GenericDatumReader<>(writer, NEXT);
        }
    }

    private static JsonNode ccompat(String method, String path, String schema) throws IOException, InterruptedException {
        HttpResponse<String> response = schema == null
                ? HTTP.send(HttpRequest.newBuilder(URI.create(kafka.confluentCompatUrl() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString())
                : post(path, schema);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String path, String schema) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("schema", schema));
        return HTTP.send(HttpRequest.newBuilder(URI.create(kafka.confluentCompatUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------------------------------ records

    private static ResponseOutcome outcome(int n) {
        return ResponseOutcome.newBuilder()
                .setEventId("evt-evolution-" + n)
                .setRunId("run-evolution")
                .setOccurredAt(Instant.parse("2026-01-01T00:00:00Z").plus(n, ChronoUnit.SECONDS))
                .setQuestionId("q-" + n)
                .setModelId("py-echo")
                .setStatus(ResponseStatus.OK)
                .setText("answer " + n)
                .setFinishReason("stop")
                .setCostUsd(new BigDecimal("0.00001000"))
                .setSimulated(true)
                .setQuestion("question " + n)
                .build();
    }

    private static int number(GenericRecord next) {
        return Integer.parseInt(next.get("event_id").toString().substring("evt-evolution-".length()));
    }

    /** What a producer on the new version writes: the same answer plus the new field. */
    private static GenericRecord asNextVersion(ResponseOutcome outcome, String language) throws IOException {
        GenericRecord next = new GenericDatumReader<GenericRecord>(RELEASED, NEXT)
                .read(null, DecoderFactory.get().binaryDecoder(encode(outcome), null));
        next.put(NEW_FIELD, language);
        return next;
    }

    private static byte[] encode(ResponseOutcome outcome) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(RELEASED).write(outcome, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** The released schema plus one field read from this test's resources. */
    private static Schema withField(Schema base, String fieldResource) {
        try (var in = SchemaEvolutionIT.class.getResourceAsStream("/schema-evolution/" + fieldResource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource schema-evolution/" + fieldResource);
            }
            ObjectNode schema = (ObjectNode) JSON.readTree(base.toString());
            ((ArrayNode) schema.get("fields")).add(JSON.readTree(in));
            return new Schema.Parser().parse(schema.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema latestReleased(String record) throws IOException {
        Path dir = SpavlCommand.ROOT.resolve("schemas/history").resolve(record);
        try (Stream<Path> versions = Files.list(dir)) {
            Path latest = versions.filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc"))
                    .max((a, b) -> Integer.compare(version(a), version(b))).orElseThrow();
            return new Schema.Parser().parse(latest.toFile());
        }
    }

    private static int version(Path p) {
        String name = p.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.length() - ".avsc".length()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
