package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spavl.events.ErrorKind;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseStatus;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.contracts.serde.ExplainingAvroDeserializer;
import dev.spavl.testkit.PrometheusText;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Faulty inputs on the whole local stack as real processes ({@code ./spavl up}, own ports, state directory and
 * databases), two requirements of the end-to-end issue on one stack:
 * <ol>
 *   <li><b>Poison input</b>: into every topic a service consumes, one record in the Confluent wire format with a
 *   schema id the registry has but bytes that are no Avro encoding of that schema, and one with a schema id the
 *   registry does not know, and a valid record of another event type (e.g. a RunCancelled on spavl.responses). Every
 *   consumer group reading the topic dead-letters all three to {@code <topic>.dlq} (a
 *   lane's retry topic to its lane's), the original bytes with the reason in headers, and keeps going.
 *   {@code spavl.responders} (compacted heartbeats) has no dead-letter topic by design: its reader ignores what it
 *   cannot read.</li>
 *   <li><b>One model permanently down</b>: every call to {@code otter} fails with HTTP 500. Its requests end as
 *   FAILED outcomes and in its lane's dead-letter topic, the questions still close from the other eleven answers,
 *   and no quadruple names the down model.</li>
 * </ol>
 * The run that proves B is started after the poison records were dead-lettered, so it also proves that the
 * pipeline goes on after them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultyInputsIT {

    static {
        // this test's own Kafka clients log their whole configuration at INFO: keep its tables readable
        org.jboss.logmanager.LogContext.getLogContext().getLogger("org.apache.kafka").setLevel(java.util.logging.Level.WARNING);
    }

    /** The paper's 12 responders, as the catalog names them. */
    private static final List<String> MODELS = SpavlCommand.PAPER_MODELS;
    /** The model that is down for the whole test. */
    private static final String DOWN = "otter";
    /** Calls per round and rounds through the retry topic after the first, for the down model (see up()). */
    private static final int MAX_ATTEMPTS = 2;
    private static final int REDELIVERIES = 1;
    private static final int TOTAL_ATTEMPTS = MAX_ATTEMPTS * (1 + REDELIVERIES);

    /** A schema id no registry of this stack hands out (ids are small sequential numbers). */
    private static final int UNKNOWN_SCHEMA_ID = 987654;
    private static final String MALFORMED = "malformed";
    private static final String UNKNOWN_ID = "unknown-id";
    /** A valid record, in the wire format with its registered schema, of another event type than the topic carries. */
    private static final String WRONG_TYPE = "wrong-type";
    private static final List<String> KINDS = List.of(MALFORMED, UNKNOWN_ID, WRONG_TYPE);

    /** examples/spa-vl-mini.jsonl: 3 images x 3 question types. */
    private static final int IMAGES = 3;
    private static final int QUESTIONS = IMAGES * 3;

    private final SpavlCommand spavl = new SpavlCommand("it-faulty");
    private final ObjectMapper json = new ObjectMapper();
    /** topic -> kind -> where the poison record landed and what it held. */
    private final Map<String, Map<String, Sent>> poison = new LinkedHashMap<>();
    private String runId;

    private record Sent(String key, byte[] value, int partition, long offset) {
    }

    /**
     * Every topic a service consumes with a dead-letter topic, and the consumer groups that read it: each group
     * fails the record on its own, so the dead-letter topic gets one copy per group. From the services'
     * application.properties (SmallRye channels) and the responder's Lane/LaneSupervisor (one group per lane, reading
     * its request topic and its retry topic, dead-lettering both to {@code spavl.requests.<model>.dlq}).
     */
    private static Map<String, List<String>> readers() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("spavl.runs", List.of("spavl-packager"));
        m.put("spavl.images", List.of("spavl-packager-images"));
        m.put("spavl.questions", List.of("spavl-judge-questions", "spavl-packager-questions"));
        m.put("spavl.responses", List.of("spavl-generator-progress", "spavl-judge-responses", "spavl-packager-responses"));
        m.put("spavl.assessments", List.of("spavl-packager-assessments"));
        m.put("spavl.pairs", List.of("spavl-judge-pairs"));
        m.put("spavl.verdicts", List.of("spavl-packager-verdicts"));
        m.put("spavl.cancellations", List.of("spavl-packager-cancellations"));
        for (String model : MODELS) {
            m.put(laneTopic(model), List.of("spavl-responder-" + model));
        }
        for (String model : MODELS) {
            m.put(laneTopic(model) + ".retry", List.of("spavl-responder-" + model));
        }
        return m;
    }

    /** Where a topic's readers dead-letter: {@code <topic>.dlq}; a lane's retry topic shares its lane's. */
    private static String dlqOf(String topic) {
        return topic.endsWith(".retry") ? topic.substring(0, topic.length() - ".retry".length()) + ".dlq" : topic + ".dlq";
    }

    private static final String HEARTBEATS = "spavl.responders";

    /** A cancellation of a run that does not exist: valid, and read by every consumer that sees it as what it is. */
    private static dev.spavl.events.RunCancelled strayCancellation() {
        return dev.spavl.events.RunCancelled.newBuilder().setEventId("evt-poison-cancel").setRunId("run-poison")
                .setOccurredAt(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).build();
    }

    private static dev.spavl.events.ResponderHeartbeat strayHeartbeat() {
        return dev.spavl.events.ResponderHeartbeat.newBuilder().setEventId("evt-poison-beat").setRunId(null)
                .setOccurredAt(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).setModelId("poison-model")
                .setProvider("simulated").setStatus(dev.spavl.events.ResponderStatus.DRAINING).setInstance("poison")
                .setConcurrency(1).setVersion("poison").setIntervalMs(30_000).build();
    }

    private static String laneTopic(String model) {
        return "spavl.requests." + model;
    }

    private static boolean isLane(String topic) {
        return topic.startsWith("spavl.requests.");
    }

    @BeforeAll
    void up() {
        String model = "SPAVL_MODELS_" + DOWN.toUpperCase().replaceAll("[^A-Z0-9]", "_");
        // permanently down: every call is an HTTP 500 (a transient error, so the lane retries it)
        spavl.env.put(model + "_PERSONA_FAULTS_RATE_500", "1.0");
        // give up quickly: 2 calls per round 100-200 ms apart, one more round after 2 s on the retry topic
        spavl.env.put(model + "_RETRY_MAX_ATTEMPTS", Integer.toString(MAX_ATTEMPTS));
        spavl.env.put(model + "_RETRY_INITIAL_BACKOFF", "100ms");
        spavl.env.put(model + "_RETRY_MAX_BACKOFF", "200ms");
        spavl.env.put(model + "_RETRY_REDELIVERIES", Integer.toString(REDELIVERIES));
        spavl.env.put(model + "_RETRY_REDELIVERY_DELAY", "2s");
        // the breaker stays on (a down model does open it in production; the requests must still end), but opens
        // for 2 s instead of 30 s: the lane then pauses only briefly between half-open trials
        spavl.env.put(model + "_CIRCUIT_BREAKER_OPEN_FOR", "2s");
        SpavlCommand.Result up = spavl.run("up");
        assertThat(up.exitCode()).as("./spavl up output:%n%s", up.output()).isZero();
    }

    @AfterAll
    void purge() {
        // whatever happened above: leave no process, no state directory and no database behind
        SpavlCommand.Result down = spavl.run("down", "--purge");
        if (down.exitCode() != 0) {
            System.out.printf("./spavl down --purge exited with %d:%n%s%n", down.exitCode(), down.output());
        }
    }

    @Test
    @Order(1)
    void poisonInEveryInputTopicIsDeadLetteredByEachReaderWithItsReasonAndOriginalBytes() throws Exception {
        Map<String, List<String>> readers = readers();
        given().baseUri(spavl.url("registry")).get("/apis/ccompat/v7/schemas/ids/{id}", UNKNOWN_SCHEMA_ID)
                .then().statusCode(404);

        List<String> topics = new ArrayList<>(readers.keySet());
        topics.add(HEARTBEATS);
        AvroTopicClient avro = new AvroTopicClient(spavl.bootstrap(), spavl.registryV2());
        try (KafkaProducer<byte[], byte[]> producer = spavl.rawProducer()) {
            for (String topic : topics) {
                int id = given().baseUri(spavl.url("registry"))
                        .get("/apis/ccompat/v7/subjects/{subject}/versions/latest", topic + "-value")
                        .then().statusCode(200).extract().path("id");
                Map<String, Sent> sent = new LinkedHashMap<>();
                // (1) a schema the registry has, but bytes that are no Avro encoding of it (0xFF never ends a varint)
                byte[] garbage = new byte[32];
                Arrays.fill(garbage, (byte) 0xFF);
                sent.put(MALFORMED, send(producer, topic, "poison-" + MALFORMED + "-" + topic, wire(id, garbage)));
                // (2) a schema id the registry does not know
                sent.put(UNKNOWN_ID, send(producer, topic, "poison-" + UNKNOWN_ID + "-" + topic,
                        wire(UNKNOWN_SCHEMA_ID, "not-avro".getBytes(StandardCharsets.UTF_8))));
                // (3) a valid record of another event type: a cancellation (a heartbeat on the cancellations topic)
                sent.put(WRONG_TYPE, send(producer, topic, "poison-" + WRONG_TYPE + "-" + topic, topic.equals("spavl.cancellations")
                        ? avro.serialize(HEARTBEATS, strayHeartbeat()) : avro.serialize("spavl.cancellations", strayCancellation())));
                poison.put(topic, sent);
            }
        }

        // dead-letter topic -> poison key -> copies expected: one per consumer group reading the poisoned topic
        Map<String, Map<String, Long>> expected = new TreeMap<>();
        for (var e : readers.entrySet()) {
            for (Sent sent : poison.get(e.getKey()).values()) {
                expected.computeIfAbsent(dlqOf(e.getKey()), k -> new TreeMap<>()).put(sent.key(), (long) e.getValue().size());
            }
        }
        Map<String, List<ConsumerRecord<String, byte[]>>> dead = new TreeMap<>();
        try (DeadLetters dlq = new DeadLetters(spavl.bootstrap(), List.copyOf(expected.keySet()))) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                dlq.poll();
                for (var e : expected.entrySet()) {
                    Map<String, Long> byKey = dlq.records(e.getKey()).stream()
                            .collect(Collectors.groupingBy(ConsumerRecord::key, TreeMap::new, Collectors.counting()));
                    assertThat(byKey).as("%s: one copy of each poison record per consumer group", e.getKey()).isEqualTo(e.getValue());
                }
            });
            for (String topic : expected.keySet()) {
                dead.put(topic, dlq.records(topic));
            }
        }

        List<String[]> table = new ArrayList<>();
        for (var e : readers.entrySet()) {
            String topic = e.getKey();
            Map<String, List<ConsumerRecord<String, byte[]>>> found = new LinkedHashMap<>();
            for (String kind : KINDS) {
                Sent sent = poison.get(topic).get(kind);
                List<ConsumerRecord<String, byte[]>> copies = dead.get(dlqOf(topic)).stream().filter(r -> r.key().equals(sent.key())).toList();
                found.put(kind, copies);
                for (ConsumerRecord<String, byte[]> r : copies) {
                    String where = dlqOf(topic) + " " + sent.key();
                    assertThat(r.value()).as("%s: the original bytes, as they were", where).isEqualTo(sent.value());
                    assertThat(header(r, "dead-letter-topic")).as(where).isEqualTo(topic);
                    assertThat(header(r, "dead-letter-partition")).as(where).isEqualTo(Integer.toString(sent.partition()));
                    assertThat(header(r, "dead-letter-offset")).as(where).isEqualTo(Long.toString(sent.offset()));
                    String reason = header(r, "dead-letter-reason");
                    assertThat(reason).as("%s: dead-letter-reason", where).isNotBlank();
                    if (isLane(topic)) {
                        // the lane's own dead-lettering of a record its Avro reader cannot decode (Lane.deadLetterUnreadable)
                        assertThat(reason).as(where).startsWith("not a readable ResponseRequested")
                                .contains("Error deserializing VALUE for partition " + topic + "-" + sent.partition()
                                        + " at offset " + sent.offset());
                        assertThat(header(r, "dead-letter-cause")).as(where).startsWith(ExplainingAvroDeserializer.class.getName());
                    } else {
                        // SmallRye's dead-letter-queue strategy with fail-on-deserialization-failure=false
                        assertThat(header(r, "dead-letter-exception-class-name")).as(where)
                                .isEqualTo(RecordDeserializationException.class.getName());
                        assertThat(header(r, "deserialization-failure-deserializer")).as(where)
                                .isEqualTo(ExplainingAvroDeserializer.class.getName());
                    }
                    // what was wrong, in words (ExplainingAvroDeserializer), for the SmallRye channels and the lanes alike
                    if (kind.equals(MALFORMED)) {
                        assertThat(reason).as("%s: the bytes do not decode", where)
                                .contains("value in " + topic + " (schema id ").contains("could not be decoded with that schema");
                    } else if (kind.equals(WRONG_TYPE)) {
                        String other = topic.equals("spavl.cancellations") ? "ResponderHeartbeat" : "RunCancelled";
                        assertThat(reason).as("%s: the wrong type is named", where).contains("value in " + topic + " is a dev.spavl.events."
                                + other + " record, not the dev.spavl.events.");
                    } else {
                        assertThat(reason).as("%s: the unknown schema id is named", where).contains("value in " + topic
                                + " names schema id " + UNKNOWN_SCHEMA_ID + ", which the schema registry does not know (HTTP 404)");
                    }
                }
            }
            table.add(new String[] {topic, dlqOf(topic), String.join(",", e.getValue()),
                    found.get(MALFORMED).size() + " / " + found.get(UNKNOWN_ID).size() + " / " + found.get(WRONG_TYPE).size(),
                    abbreviate(header(found.get(MALFORMED).get(0), "dead-letter-reason"), 70),
                    abbreviate(header(found.get(UNKNOWN_ID).get(0), "dead-letter-reason"), 70)});
        }
        printTable("poison records and their dead letters", new String[] {"topic", "dead-letter topic", "consumer groups",
                "copies malformed / unknown id / wrong type", "dead-letter-reason (malformed)", "dead-letter-reason (unknown schema id)"}, table);

        // every lane commits past the unreadable record at once. The SmallRye channels do not: their dead-letter
        // path for an undecodable record bypasses the commit handler, so the group commits past it only with a later
        // record of the same partition (until then a restart dead-letters it again). Printed, not asserted.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spavl.bootstrap()))) {
            // (the lane sends the dead letter, then commits: wait for the commit)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                for (var e : readers.entrySet()) {
                    if (!isLane(e.getKey())) {
                        continue;
                    }
                    String topic = e.getKey();
                    String group = e.getValue().get(0);
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                    for (Sent sent : poison.get(topic).values()) {
                        OffsetAndMetadata c = committed.get(new TopicPartition(topic, sent.partition()));
                        assertThat(c).as("%s committed %s-%d", group, topic, sent.partition()).isNotNull();
                        assertThat(c.offset()).as("%s committed past %s", group, sent.key()).isGreaterThan(sent.offset());
                    }
                }
            });
            List<String[]> commits = new ArrayList<>();
            for (var e : readers.entrySet()) {
                if (isLane(e.getKey())) {
                    continue;
                }
                for (String group : e.getValue()) {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                    for (Sent sent : poison.get(e.getKey()).values()) {
                        OffsetAndMetadata c = committed.get(new TopicPartition(e.getKey(), sent.partition()));
                        commits.add(new String[] {group, e.getKey() + "-" + sent.partition() + "@" + sent.offset(),
                                c == null ? "none" : Long.toString(c.offset())});
                    }
                }
            }
            printTable("committed offsets of the SmallRye groups at the poison partitions (information, not asserted)",
                    new String[] {"group", "poison at", "committed"}, commits);
        }

        // and every service is still ready
        for (String service : List.of("generator", "responder", "judge", "packager")) {
            given().baseUri(spavl.url(service)).get("/q/health/ready").then().statusCode(200);
        }
    }

    @Test
    @Order(2)
    void theHeartbeatTopicHasNoDeadLetterTopicAndTheGeneratorIgnoresItsPoisonAndStaysHealthy() throws Exception {
        Assumptions.assumeTrue(poison.containsKey(HEARTBEATS), "the poison records were not sent");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spavl.bootstrap()))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(names).contains(HEARTBEATS).doesNotContain(HEARTBEATS + ".dlq", HEARTBEATS + ".retry");
        }
        // spavl.responders: no dead-letter topic by design (compacted, read from the start by every generator); the
        // generator skips both records, counts them and says so in its log
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            String metrics = given().baseUri(spavl.url("generator")).get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(PrometheusText.first(metrics, "spavl_generator_unreadable_heartbeats_total")).isGreaterThanOrEqualTo(3);
            assertThat(occurrences(log("generator"), "an unreadable record on the responders topic was skipped"))
                    .as("skipped heartbeat records in the generator's log").isGreaterThanOrEqualTo(3);
        });
        // still healthy, still sees all 12 lanes alive (the run below then dispatches to all of them)
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            given().baseUri(spavl.url("generator")).get("/q/health/ready").then().statusCode(200);
            String metrics = given().baseUri(spavl.url("generator")).get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(PrometheusText.first(metrics, "spavl_generator_live_responders")).isEqualTo(MODELS.size());
        });
    }

    @Test
    @Order(3)
    void aRunAfterThePoisonCompletesAndEveryQuestionClosesWithoutTheDownModel() throws Exception {
        SpavlCommand.Result run = spavl.run("run", "examples/spa-vl-mini.jsonl", "--seed", "7", "--wait");
        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode generated = json.readTree(run.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        assertThat(generated.path("status").asText()).isEqualTo("COMPLETED");
        runId = generated.path("runId").asText();
        assertThat(generated.path("progress").path("imagesAccepted").asInt()).isEqualTo(IMAGES);
        // dispatched to every lane, the down one included: it still announces itself
        assertThat(generated.path("progress").path("requestsDispatched").asInt()).isEqualTo(QUESTIONS * MODELS.size());

        // every request ends in an outcome (the down model's as FAILED): the generator counts them all
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                given().baseUri(spavl.url("generator")).get("/api/runs/{id}", runId).then()
                        .body("progress.responsesReceived", equalTo(QUESTIONS * MODELS.size())));

        // no question stays open: a FAILED answer counts as arrived, so no answer timeout is needed
        JsonNode progress = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
                json.readTree(given().baseUri(spavl.url("packager")).get("/api/runs/{id}", runId).then().statusCode(200)
                        .extract().asString()).path("progress"), p -> {
                    JsonNode states = p.path("questionsByState");
                    return states.path("WAITING").asInt() == 0 && states.path("JUDGING").asInt() == 0
                            && states.path("RESOLVED").asInt() + states.path("UNRESOLVED").asInt() == QUESTIONS;
                });
        System.out.printf("%npackager progress of run %s: %s%n", runId, progress);
        int resolved = progress.path("questionsByState").path("RESOLVED").asInt();
        assertThat(resolved).as("most questions resolve from the other eleven answers").isGreaterThan(QUESTIONS / 2);
        assertThat(progress.path("answersByStatus").path("FAILED").asInt()).as("the down model's answers").isEqualTo(QUESTIONS);
        assertThat(progress.path("answersByStatus").path("OK").asInt()).isEqualTo(QUESTIONS * (MODELS.size() - 1));
        assertThat(progress.path("failedAnswersByKind").path(ErrorKind.SERVER_ERROR.name()).asInt()).isEqualTo(QUESTIONS);

        JsonNode items = json.readTree(given().baseUri(spavl.url("packager")).queryParam("run", runId).queryParam("size", 500)
                .get("/api/quadruples").then().statusCode(200).extract().asString()).path("items");
        assertThat(items.size()).as("one quadruple per resolved question").isEqualTo(resolved);
        Set<String> questions = new HashSet<>();
        for (JsonNode q : items) {
            assertThat(questions.add(q.path("questionId").asText())).as("question once").isTrue();
            assertThat(q.path("imageName").asText()).as("the image, from spavl.images").isNotBlank();
            assertThat(List.of(q.path("chosenModel").asText(), q.path("rejectedModel").asText()))
                    .as("quadruple %s", q.path("quadrupleId").asText()).doesNotContain(DOWN);
        }
    }

    @Test
    @Order(4)
    void theDownModelsRequestsEndFailedOnTheResponsesTopicAndInItsLanesDeadLetterTopic() throws Exception {
        Assumptions.assumeTrue(runId != null, "the run did not complete");
        AvroTopicClient kafka = new AvroTopicClient(spavl.bootstrap(), spavl.registryV2());

        // spavl.responses as the services read it (the poison records above are skipped: they are not events)
        List<ResponseOutcome> outcomes = new ArrayList<>();
        try (AvroKafkaDeserializer<ResponseOutcome> avro = new AvroKafkaDeserializer<>()) {
            avro.configure(Map.of("apicurio.registry.url", spavl.registryV2(), "apicurio.registry.use-specific-avro-reader", "true"), false);
            for (ConsumerRecord<String, byte[]> r : kafka.readAllRaw("spavl.responses", Duration.ofSeconds(30))) {
                if (r.key().startsWith("poison-")) {
                    continue;
                }
                ResponseOutcome o = avro.deserialize(r.topic(), r.headers(), r.value());
                if (o.getRunId().equals(runId)) {
                    outcomes.add(o);
                }
            }
        }
        Set<String> runQuestions = outcomes.stream().map(ResponseOutcome::getQuestionId).collect(Collectors.toCollection(TreeSet::new));
        assertThat(runQuestions).hasSize(QUESTIONS);
        List<ResponseOutcome> down = outcomes.stream().filter(o -> o.getModelId().equals(DOWN)).toList();
        assertThat(down).as("one outcome per request of %s", DOWN).hasSize(QUESTIONS);
        assertThat(down.stream().map(ResponseOutcome::getQuestionId).collect(Collectors.toSet())).isEqualTo(runQuestions);
        for (ResponseOutcome o : down) {
            assertThat(o.getStatus()).as("%s %s", DOWN, o.getQuestionId()).isEqualTo(ResponseStatus.FAILED);
            assertThat(o.getErrorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
            assertThat(o.getText()).isNull();
            // every round ran out; an open circuit may cut a round short, and a later round makes its calls in full
            assertThat(o.getAttempts()).isBetween(TOTAL_ATTEMPTS, TOTAL_ATTEMPTS + MAX_ATTEMPTS - 1);
        }
        assertThat(outcomes).filteredOn(o -> !o.getModelId().equals(DOWN))
                .as("the other eleven answer").hasSize(QUESTIONS * (MODELS.size() - 1))
                .allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(ResponseStatus.OK));

        // the lane's dead-letter topic holds each of the down model's requests once, with the reason
        List<ConsumerRecord<String, byte[]>> dead = kafka.readAllRaw(laneTopic(DOWN) + ".dlq", Duration.ofSeconds(30)).stream()
                .filter(r -> runQuestions.contains(r.key())).toList();
        assertThat(dead.stream().map(ConsumerRecord::key).toList()).as("%s.dlq", laneTopic(DOWN))
                .hasSize(QUESTIONS).containsExactlyInAnyOrderElementsOf(runQuestions);
        List<String[]> table = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : dead) {
            int attempts = Integer.parseInt(header(r, "dead-letter-attempts"));
            assertThat(attempts).isBetween(TOTAL_ATTEMPTS, TOTAL_ATTEMPTS + MAX_ATTEMPTS - 1);
            assertThat(header(r, "dead-letter-reason")).startsWith("gave up after " + attempts + " attempts")
                    .contains("SERVER_ERROR (HTTP 500)");
            assertThat(header(r, "dead-letter-topic")).startsWith(laneTopic(DOWN));
            table.add(new String[] {r.key(), Integer.toString(attempts), abbreviate(header(r, "dead-letter-reason"), 100)});
        }
        printTable(laneTopic(DOWN) + ".dlq (this run)", new String[] {"question", "attempts", "dead-letter-reason"}, table);

        // the responder's own counters agree; the poison records of test 1 (each kind on the request and the retry
        // topic) are dead letters of this lane too
        String metrics = given().baseUri(spavl.url("responder")).get("/q/metrics").then().statusCode(200).extract().asString();
        // every request of the down model ended FAILED: dead-lettered after its retries (or failed at once)
        assertThat(PrometheusText.first(metrics, "spavl_responder_requests_total", "model=\"" + DOWN + "\"", "outcome=\"dead_lettered\"")
                + PrometheusText.first(metrics, "spavl_responder_requests_total", "model=\"" + DOWN + "\"", "outcome=\"failed\""))
                .isEqualTo(QUESTIONS);
        assertThat(PrometheusText.first(metrics, "spavl_responder_requests_total", "model=\"" + DOWN + "\"", "outcome=\"ok\"")).isZero();
        assertThat(PrometheusText.first(metrics, "spavl_responder_dead_letters_total", "model=\"" + DOWN + "\"")).isEqualTo(QUESTIONS + 2 * KINDS.size());
        assertThat(PrometheusText.first(metrics, "spavl_responder_model_errors_total", "kind=\"server_error\"", "model=\"" + DOWN + "\""))
                .isGreaterThanOrEqualTo(QUESTIONS * TOTAL_ATTEMPTS);
        // the down model did open its breaker, and its requests ended all the same
        assertThat(log("responder")).contains("lane " + DOWN + ": circuit OPEN");
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** A component's whole log ({@code ./spavl logs} shows only its tail). */
    private String log(String component) throws java.io.IOException {
        return java.nio.file.Files.readString(spavl.home.resolve("logs").resolve(component + ".log"), StandardCharsets.UTF_8);
    }




    private static Sent send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) throws Exception {
        RecordMetadata m = producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                .get(30, TimeUnit.SECONDS);
        return new Sent(key, value, m.partition(), m.offset());
    }

    /** Confluent wire format: magic byte 0, the 4-byte schema id, then the payload. */
    private static byte[] wire(int schemaId, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).put((byte) 0).putInt(schemaId).put(payload).array();
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** The value of a Prometheus sample whose labels contain every given {@code name="value"}; 0 when absent. */
    private static String abbreviate(String s, int max) {
        if (s == null) {
            return "(none)";
        }
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static void printTable(String title, String[] head, List<String[]> rows) {
        int[] width = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            width[i] = head[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder("\n").append(title).append('\n');
        for (String[] r : concat(head, rows)) {
            for (int i = 0; i < r.length; i++) {
                out.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", r[i]));
            }
            out.append('\n');
        }
        System.out.print(out);
    }

    private static List<String[]> concat(String[] head, List<String[]> rows) {
        List<String[]> all = new ArrayList<>();
        all.add(head);
        all.addAll(rows);
        return all;
    }

    /** Reads dead-letter topics from their beginning, keeping every record seen so far, across polls. */
    private static final class DeadLetters implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, List<ConsumerRecord<String, byte[]>>> seen = new HashMap<>();

        DeadLetters(String bootstrap, List<String> topics) {
            Map<String, Object> cfg = new HashMap<>();
            cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer = new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                seen.put(topic, new ArrayList<>());
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void poll() {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                seen.get(r.topic()).add(r);
            }
        }

        List<ConsumerRecord<String, byte[]>> records(String topic) {
            return seen.get(topic);
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
