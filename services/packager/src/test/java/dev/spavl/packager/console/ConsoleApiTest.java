package dev.spavl.packager.console;

import dev.spavl.packager.lag.ConsumerLagMonitor;
import dev.spavl.events.RunRequested;
import dev.spavl.packager.lag.LagRounds;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.PrometheusText;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** The console's API on the real test kit: progress after real events, lanes, dead letters and their replay. */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class ConsoleApiTest {

    private final ConsoleFixture fixture = new ConsoleFixture();
    private final AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();

    @Inject
    ConsumerLagMonitor monitor;

    @Test
    void progressOfARunInTheFiguresSpavlPrints() {
        String runId = "run-console-" + UUID.randomUUID();
        fixture.completeRun(runId, List.of("otter", "lamm", "minigpt-4"), 2, "minigpt-4");

        given().get("/console/api/runs/{id}/progress", runId).then().statusCode(200)
                .body("images", equalTo(2)).body("questions", equalTo(2))
                .body("answersExpected", equalTo(6)).body("answersReceived", equalTo(6))
                .body("answersOk", equalTo(5)).body("answersFailed", equalTo(1))
                .body("pairs", equalTo(2)).body("quadruples", equalTo(2))
                .body("resolved", equalTo(2)).body("unresolved", equalTo(0)).body("open", equalTo(0))
                .body("percent", equalTo(100))
                .body("progress.failedAnswersByKind.SERVER_ERROR", equalTo(1));
        given().get("/console/api/runs/{id}/progress", "run-never-seen").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("run-never-seen"));

        // lanes: the run's outcomes per model, and (no lag measured for lanes without a group)
        JsonPath lanes = given().queryParam("run", runId).get("/console/api/lanes").then().statusCode(200).extract().jsonPath();
        assertThat(lanes.<String>getList("lanes.model")).contains("otter", "lamm", "minigpt-4", "qwen-vl-chat");
        Map<String, Object> failing = lane(lanes, "minigpt-4");
        assertThat(failing).containsEntry("answersOk", 1).containsEntry("answersFailed", 1)
                .containsEntry("failedByKind", Map.of("SERVER_ERROR", 1)).containsEntry("requestTopic", "spavl.requests.minigpt-4")
                .containsEntry("deadLetterTopic", "spavl.requests.minigpt-4.dlq");
        assertThat(lane(lanes, "otter")).containsEntry("answersOk", 2).containsEntry("answersFailed", 0);
    }

    @Test
    void runsArePagedNewestFirstWithStateProgressQuadruplesAndAnExactSeed() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        // requested in the future: the newest of every run the other tests record, whatever their order
        Instant base = Instant.parse("2098-01-01T00:00:00Z");
        long bigSeed = 2872606786802451457L; // above 2^53: as a JSON number, JavaScript reads 2872606786802451500
        RunRequested done = ConsoleFixture.run("run-paged-done-" + tag, bigSeed, base);
        RunRequested open = ConsoleFixture.run("run-paged-open-" + tag, Long.MIN_VALUE, base.plusSeconds(60));
        RunRequested none = ConsoleFixture.run("run-paged-none-" + tag, 5L, base.plusSeconds(120));
        fixture.completeRun(done, List.of("otter", "lamm", "minigpt-4"), 2, "minigpt-4");
        fixture.record(none);
        fixture.record(open);
        fixture.openQuestion(open.getRunId(), "q-paged-" + tag, List.of("otter", "lamm"));

        // open until the answer timeout (4 s in tests) closes it unresolved
        Map<String, Object> opened = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> runRow(open.getRunId()), r -> r != null && ((Number) r.get("questions")).intValue() == 1);
        assertThat(opened).containsEntry("state", "OPEN").containsEntry("questionsClosed", 0).containsEntry("quadruples", 0)
                .containsEntry("seedText", Long.toString(Long.MIN_VALUE));
        Map<String, Object> closed = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> runRow(open.getRunId()), r -> "CLOSED".equals(r.get("state")));
        assertThat(closed).containsEntry("questions", 1).containsEntry("questionsClosed", 1).containsEntry("quadruples", 0);
        assertThat(runRow(none.getRunId())).containsEntry("state", "NO_QUESTIONS").containsEntry("questions", 0)
                .containsEntry("questionsClosed", 0).containsEntry("seedText", "5");
        Map<String, Object> finished = runRow(done.getRunId());
        assertThat(finished).containsEntry("state", "CLOSED").containsEntry("questions", 2).containsEntry("questionsClosed", 2)
                .containsEntry("quadruples", 2).containsEntry("seedText", "2872606786802451457")
                .containsEntry("requestedAt", "2098-01-01T00:00:00Z").containsEntry("sourceKind", "FOLDER_TREE");
        // the seed stays a number too (for the clients that read it as one), and /api/runs gives the text as well
        assertThat(given().queryParam("size", 100).get("/console/api/runs").then().statusCode(200).extract().jsonPath()
                .getLong("items.find { it.runId == '" + done.getRunId() + "' }.seed")).isEqualTo(bigSeed);
        given().get("/api/runs/{id}", done.getRunId()).then().statusCode(200)
                .body("seedText", equalTo("2872606786802451457")).body("seed", equalTo(bigSeed));

        // pages of 2, newest first: every run once, in order; no other test requests a run within these two minutes
        List<Map<String, Object>> all = allRuns(2);
        List<String> ids = all.stream().map(r -> (String) r.get("runId")).toList();
        assertThat(ids).doesNotHaveDuplicates();
        List<Instant> times = all.stream().map(r -> Instant.parse((String) r.get("requestedAt"))).toList();
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        int first = ids.indexOf(none.getRunId());
        assertThat(ids.subList(first, first + 3)).containsExactly(none.getRunId(), open.getRunId(), done.getRunId());

        // bounds
        given().queryParam("size", 101).get("/console/api/runs").then().statusCode(400).contentType("application/problem+json")
                .body("parameter", equalTo("size")).body("maximum", equalTo(100)).body("detail", containsString("from 1 to 100"));
        given().queryParam("page", "last").get("/console/api/runs").then().statusCode(400).body("parameter", equalTo("page"));
        given().queryParam("page", Integer.MAX_VALUE / 20 + 1).get("/console/api/runs").then().statusCode(400)
                .body("parameter", equalTo("page")).body("maximum", equalTo(Integer.MAX_VALUE / 20));
        given().queryParam("page", 100000).get("/console/api/runs").then().statusCode(200)
                .body("items.size()", equalTo(0)).body("total", equalTo(all.size())).body("size", equalTo(20));
    }

    /** Every run, page by page; checks each page's figures on the way. */
    private static List<Map<String, Object>> allRuns(int size) {
        List<Map<String, Object>> all = new java.util.ArrayList<>();
        for (int page = 0; ; page++) {
            JsonPath p = given().queryParam("page", page).queryParam("size", size).get("/console/api/runs").then().statusCode(200)
                    .extract().jsonPath();
            assertThat(p.getInt("page")).isEqualTo(page);
            assertThat(p.getInt("size")).isEqualTo(size);
            List<Map<String, Object>> items = p.getList("items");
            int total = p.getInt("total");
            assertThat(items).hasSize(Math.max(0, Math.min(size, total - page * size)));
            all.addAll(items);
            if ((page + 1) * size >= total) {
                assertThat(all).hasSize(total);
                return all;
            }
        }
    }

    /** The run's row, found page by page, or null. */
    private static Map<String, Object> runRow(String runId) {
        return allRuns(50).stream().filter(r -> runId.equals(r.get("runId"))).findFirst().orElse(null);
    }

    @Test
    void laneLagAndThroughputComeFromTheLagMonitorsLastRound() throws Exception {
        String topic = "spavl.requests.instructblip";
        String group = "spavl-responder-instructblip";
        long end = fixture.requests(topic, 5);
        Instant t0 = Instant.now();
        fixture.commit(group, topic, end - 4);
        LagRounds.measure(monitor, t0);
        JsonPath first = given().get("/console/api/lanes").then().statusCode(200).extract().jsonPath();
        assertThat(lane(first, "instructblip")).containsEntry("lagRecords", 4).containsEntry("lagState", "UNKNOWN")
                .containsEntry("groups", List.of(group));
        assertThat(first.getString("lagMeasuredAt")).isNotNull();

        // 3 consumed in 60 s: 3 per minute; 1 waiting at 0.05/s: 20 s
        fixture.commit(group, topic, end - 1);
        LagRounds.measure(monitor, t0.plusSeconds(60));
        Map<String, Object> lane = lane(given().get("/console/api/lanes").then().statusCode(200).extract().jsonPath(), "instructblip");
        assertThat(lane).containsEntry("lagRecords", 1).containsEntry("lagState", "ESTIMATED");
        assertThat(((Number) lane.get("requestsPerMinute")).doubleValue()).isEqualTo(3.0);
        assertThat(((Number) lane.get("lagSeconds")).doubleValue()).isEqualTo(20.0);
    }

    @Test
    void deadLettersAreListedAndReplayedOnceWithTheToken() {
        String key = "poison-" + UUID.randomUUID();
        fixture.poison("spavl.questions", key);
        Map<String, Object> record = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                .until(() -> find("spavl.questions.dlq", key), java.util.Objects::nonNull);
        assertThat(record).containsEntry("replayTarget", "spavl.questions").containsEntry("originalTopic", "spavl.questions")
                .containsEntry("valueSize", 15).containsEntry("valueBase64Preview", "bm90IGF2cm8gYXQgYWxs").containsKey("valueHexPreview");
        assertThat((String) record.get("reason")).isNotBlank();
        assertThat((String) record.get("valueUndecodableReason")).contains("not in the Confluent wire format");
        assertThat((String) record.get("reason")).contains("not in the Confluent wire format");
        assertThat(record.get("replay")).isNull();
        int partition = (Integer) record.get("partition");
        long offset = ((Number) record.get("offset")).longValue();

        JsonPath topics = given().get("/console/api/dead-letters").then().statusCode(200).extract().jsonPath();
        assertThat(topics.<String>getList("topic")).contains("spavl.questions.dlq", "spavl.requests.otter.dlq", "spavl.runs.dlq")
                .allMatch(t -> t.endsWith(".dlq"));
        assertThat(topics.<Integer>getList("findAll { it.topic == 'spavl.questions.dlq' }.records").get(0)).isGreaterThanOrEqualTo(1);

        String url = "/console/api/dead-letters/{topic}/{partition}/{offset}/replay";
        // no token, a wrong one: 401, nothing sent
        given().contentType(ContentType.JSON).body(Map.of("operator", "ci")).post(url, "spavl.questions.dlq", partition, offset)
                .then().statusCode(401).header("WWW-Authenticate", containsString("Bearer")).body("detail", containsString("replay token"));
        given().header("Authorization", "Bearer not-the-token-at-all").contentType(ContentType.JSON).body(Map.of("operator", "ci"))
                .post(url, "spavl.questions.dlq", partition, offset).then().statusCode(401);
        given().get("/console/api/dead-letters/{topic}?partition={p}&from={o}&limit=1", "spavl.questions.dlq", partition, offset)
                .then().statusCode(200).body("records[0].replay", nullValue());

        // with the token: sent back to spavl.questions, original key and value
        JsonPath done = given().header("Authorization", "Bearer " + ConsoleFixture.TOKEN).contentType(ContentType.JSON)
                .body(Map.of("operator", "ci")).post(url, "spavl.questions.dlq", partition, offset)
                .then().statusCode(200).body("state", equalTo("REPLAYED")).body("targetTopic", equalTo("spavl.questions"))
                .body("key", equalTo(key)).body("operator", equalTo("ci")).extract().jsonPath();
        List<ConsumerRecord<String, byte[]>> back = kafka.readAllRaw("spavl.questions", Duration.ofSeconds(20)).stream()
                .filter(r -> key.equals(r.key())).toList();
        assertThat(back).hasSize(2); // the original and the replay
        ConsumerRecord<String, byte[]> replayed = back.stream().filter(r -> r.offset() == done.getLong("targetOffset")).findFirst().orElseThrow();
        assertThat(new String(replayed.value(), StandardCharsets.UTF_8)).isEqualTo("not avro at all");
        assertThat(replayed.headers().lastHeader("spavl-replay-of").value())
                .isEqualTo(("spavl.questions.dlq/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8));
        assertThat(replayed.headers()).noneMatch(h -> h.key().startsWith("dead-letter-"));

        // a second click, another operator: refused, with the first replay
        given().header("Authorization", "Bearer " + ConsoleFixture.TOKEN).contentType(ContentType.JSON).body(Map.of("operator", "someone else"))
                .post(url, "spavl.questions.dlq", partition, offset).then().statusCode(409)
                .contentType("application/problem+json").body("replay.operator", equalTo("ci"))
                .body("replay.targetOffset", equalTo(done.getInt("targetOffset"))).body("detail", containsString("at most once"));
        given().get("/console/api/dead-letters/{topic}?partition={p}&from={o}&limit=1", "spavl.questions.dlq", partition, offset)
                .then().statusCode(200).body("records[0].replay.state", equalTo("REPLAYED")).body("records[0].replay.operator", equalTo("ci"));
        // the poison comes back: dead-lettered again, marked as a replay
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() ->
                kafka.readAllRaw("spavl.questions.dlq", Duration.ofSeconds(10)).stream().filter(r -> key.equals(r.key())).count() == 2);
        ConsumerRecord<String, byte[]> again = kafka.readAllRaw("spavl.questions.dlq", Duration.ofSeconds(10)).stream()
                .filter(r -> key.equals(r.key())).filter(r -> r.offset() != offset || r.partition() != partition).findFirst().orElseThrow();
        given().get("/console/api/dead-letters/{topic}?partition={p}&from={o}&limit=1", "spavl.questions.dlq", again.partition(), again.offset())
                .then().statusCode(200).body("records[0].replayOf", equalTo("spavl.questions.dlq/" + partition + "/" + offset))
                .body("records[0].replay", nullValue());

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(PrometheusText.exact(metrics, "spavl_console_replays_total",
                "outcome=\"unauthorized\",topic=\"other\"").orElseThrow()).isGreaterThanOrEqualTo(2.0);
        assertThat(PrometheusText.exact(metrics, "spavl_console_replays_total",
                "outcome=\"duplicate\",topic=\"spavl.questions.dlq\"").orElseThrow()).isGreaterThanOrEqualTo(1.0);
        assertThat(PrometheusText.exact(metrics, "spavl_console_replays_total",
                "outcome=\"replayed\",topic=\"spavl.questions.dlq\"").orElseThrow()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void aReplayedEventReachesThePackager() {
        String runId = "run-replayed-" + UUID.randomUUID();
        kafka.send("spavl.runs", runId, ConsoleFixture.run(runId));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then().statusCode(200));
        String q = runId + "-q0";
        RecordMetadata dead = fixture.deadLettered("spavl.questions.dlq", q,
                ConsoleFixture.question(runId, q, "img-" + q, List.of("otter", "lamm")), "database unavailable");
        Map<String, Object> listed = find("spavl.questions.dlq", q);
        assertThat(listed).containsEntry("reason", "database unavailable").containsEntry("cause", "org.hibernate.HibernateException")
                .containsEntry("originalOffset", "41");
        assertThat((String) listed.get("valueDecoded")).contains("\"question_id\": \"" + q + "\"");
        given().get("/console/api/runs/{id}/progress", runId).then().statusCode(200).body("questions", equalTo(0));

        given().header("Authorization", "Bearer " + ConsoleFixture.TOKEN).contentType(ContentType.JSON).body("{}")
                .post("/console/api/dead-letters/{t}/{p}/{o}/replay", "spavl.questions.dlq", dead.partition(), dead.offset())
                .then().statusCode(200).body("headersCopied", equalTo(1)).body("operator", equalTo("unnamed"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                given().get("/console/api/runs/{id}/progress", runId).then().statusCode(200).body("questions", equalTo(1))
                        .body("answersExpected", equalTo(2)).body("open", equalTo(1)));
    }

    @Test
    void anOkAfterAFailedOutcomeReplacesIt() {
        // what a lane's replayed request leads to: FAILED when it was dead-lettered, OK (same event id) after the replay
        String runId = "run-ok-after-failed-" + UUID.randomUUID();
        String q = runId + "-q0";
        kafka.send("spavl.runs", runId, ConsoleFixture.run(runId));
        kafka.send("spavl.responses", q, ConsoleFixture.outcome(runId, q, "otter", true));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then().statusCode(200)
                .body("progress.answersByStatus.FAILED", equalTo(1)));
        kafka.send("spavl.responses", q, ConsoleFixture.outcome(runId, q, "otter", false));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then().statusCode(200)
                .body("progress.answersByStatus.OK", equalTo(1)).body("progress.answersByStatus.FAILED", nullValue()));
    }

    @Test
    void badInputGetsAClearError() {
        String url = "/console/api/dead-letters/{topic}/{partition}/{offset}/replay";
        var auth = given().header("Authorization", "Bearer " + ConsoleFixture.TOKEN).contentType(ContentType.JSON).body("{}");
        auth.post(url, "spavl.questions", 0, 0).then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("not a dead-letter topic")).body("detail", containsString("spavl.<topic>.dlq"));
        given().header("Authorization", "Bearer " + ConsoleFixture.TOKEN).contentType(ContentType.JSON).body("{}")
                .post(url, "spavl.nothing-here.dlq", 0, 0).then().statusCode(404).body("title", equalTo("topic not found"));
        given().header("Authorization", "Bearer " + ConsoleFixture.TOKEN).contentType(ContentType.JSON).body("{}")
                .post(url, "spavl.runs.dlq", 99, 0).then().statusCode(404).body("title", equalTo("partition not found"))
                .body("detail", containsString("partitions 0.."));
        given().header("Authorization", "Bearer " + ConsoleFixture.TOKEN).contentType(ContentType.JSON).body("{}")
                .post(url, "spavl.requests.gemini-pro-vision.dlq", 0, 123456).then().statusCode(404)
                .body("title", equalTo("offset out of range")).body("detail", containsString("123456"));
        // no body at all (curl -X POST -H 'Authorization: ...'): still a clear answer about the coordinates
        given().header("Authorization", "Bearer " + ConsoleFixture.TOKEN).post(url, "spavl.runs.dlq", 0, 999_999).then().statusCode(404)
                .body("title", equalTo("offset out of range"));
        given().header("Authorization", "Bearer " + ConsoleFixture.TOKEN).contentType(ContentType.JSON).body("{not json")
                .post(url, "spavl.runs.dlq", 0, 0).then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("invalid body")).body("detail", containsString("must be JSON"))
                .body("instance", equalTo("/console/api/dead-letters/spavl.runs.dlq/0/0/replay"));
        // without the token the body is not even read: 401, never a 400 that tells a stranger about the parser
        given().contentType(ContentType.JSON).body("{not json").post(url, "spavl.runs.dlq", 0, 0).then().statusCode(401);
        given().get("/console/api/dead-letters/{topic}", "spavl.questions").then().statusCode(400);
        given().get("/console/api/dead-letters/{topic}?limit=0", "spavl.questions.dlq").then().statusCode(400).body("parameter", equalTo("limit"));
        given().get("/console/api/dead-letters/{topic}?from=3", "spavl.questions.dlq").then().statusCode(400).body("parameter", equalTo("from"));
        given().get("/console/api/dead-letters/{topic}?partition=6", "spavl.questions.dlq").then().statusCode(404);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(PrometheusText.exact(metrics, "spavl_console_replays_total", "outcome=\"invalid\",topic=\"other\"")).isPresent();
    }

    @Test
    void thePageIsServed() {
        given().get("/console/").then().statusCode(200).contentType(containsString("text/html")).body(containsString("spavl console"));
        given().get("/console/console.js").then().statusCode(200);
        given().get("/console/api/settings").then().statusCode(200).body("replayEnabled", equalTo(true))
                .body("replayDisabledReason", nullValue()).body("topicPrefix", equalTo("spavl"));
    }

    /** The record with this key in a dead-letter topic (every page), or null. */
    static Map<String, Object> find(String topic, String key) {
        Integer partition = null;
        Long from = null;
        while (true) {
            var req = given().queryParam("limit", 200);
            if (partition != null) {
                req.queryParam("partition", partition).queryParam("from", from);
            }
            JsonPath page = req.get("/console/api/dead-letters/{topic}", topic).then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> records = page.getList("records");
            for (Map<String, Object> r : records) {
                if (key.equals(r.get("key"))) {
                    return r;
                }
            }
            if (page.get("next") == null) {
                return null;
            }
            partition = page.getInt("next.partition");
            from = page.getLong("next.offset");
        }
    }

    private static Map<String, Object> lane(JsonPath lanes, String model) {
        return lanes.<Map<String, Object>>getList("lanes").stream().filter(l -> model.equals(l.get("model"))).findFirst().orElseThrow();
    }
}
