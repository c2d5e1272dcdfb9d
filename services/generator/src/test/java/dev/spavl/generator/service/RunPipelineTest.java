package dev.spavl.generator.service;

import dev.spavl.events.ImageRegistered;
import dev.spavl.events.QuestionGenerated;
import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponderStatus;
import dev.spavl.events.ResponseRequested;
import dev.spavl.generator.intake.TestImages;
import dev.spavl.testkit.PrometheusText;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

/**
 * Runs end to end inside the generator, on a real broker, registry and PostgreSQL: input read,
 * images checked and stored, prompts written offline, questions fanned out to live responders.
 */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class RunPipelineTest {

    private static final Path INPUT = Path.of("target/test-input");
    private final AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();

    @Test
    void folderTreeRunRejectsBadImagesAndFansOutToEveryLiveResponder() throws IOException {
        heartbeat("otter", ResponderStatus.ACTIVE);
        heartbeat("lamm", ResponderStatus.ACTIVE);
        Path dir = newInput();
        byte[] ok1 = TestImages.png(128, 96);
        write(dir, "Representation & ToxicityHarms/Toxic/bully/ok1.png", ok1);
        write(dir, "Representation & ToxicityHarms/Toxic/bully/ok1-again.png", ok1);
        write(dir, "Representation & ToxicityHarms/Toxic/bully/ok2.jpg", TestImages.jpeg(200, 150));
        write(dir, "Malicious Use/Security threats/cyber/ok3.png", TestImages.png(100, 100));
        write(dir, "Malicious Use/Security threats/cyber/corrupt.png", TestImages.truncate(TestImages.png(120, 120), 0.5));
        write(dir, "Malicious Use/Security threats/cyber/small.png", TestImages.png(32, 32));
        write(dir, "Malicious Use/Security threats/cyber/bomb.png", TestImages.pngWithHeader(100_000, 100_000));
        write(dir, "Not A Domain/Nothing/nowhere/z.png", TestImages.png(100, 100));

        String before = metrics();
        for (String type : List.of("easy", "hardq", "hards")) {
            assertThat(before).as("every series exists from the start").contains("spavl_generator_questions_total{type=\"" + type + "\"}");
        }
        assertThat(before).contains("spavl_generator_images_rejected_total{reason=\"prompt_writing_failed\"}");
        String runId = start("{\"source\":\"" + dir.getFileName() + "\",\"fanOut\":\"all\",\"seed\":5,\"targets\":[\"otter\",\"lamm\"]}");
        JsonPath run = awaitStatus(runId, "COMPLETED");
        String after = metrics();
        assertThat(PrometheusText.first(after, "spavl_generator_images_accepted_total"))
                .isGreaterThanOrEqualTo(PrometheusText.first(before, "spavl_generator_images_accepted_total") + 3);
        for (String type : List.of("easy", "hardq", "hards")) {
            String tag = "type=\"" + type + "\"";
            assertThat(PrometheusText.first(after, "spavl_generator_questions_total", tag))
                    .isGreaterThanOrEqualTo(PrometheusText.first(before, "spavl_generator_questions_total", tag) + 3);
        }
        for (String reason : List.of("corrupt", "too_small", "decompression_bomb", "unknown_class_path")) {
            String tag = "reason=\"" + reason + "\"";
            assertThat(PrometheusText.first(after, "spavl_generator_images_rejected_total", tag)).as(reason)
                    .isGreaterThanOrEqualTo(PrometheusText.first(before, "spavl_generator_images_rejected_total", tag) + 1);
        }

        assertThat(run.getInt("progress.imagesTotal")).isEqualTo(8);
        assertThat(run.getInt("progress.imagesAccepted")).isEqualTo(3);
        assertThat(run.getInt("progress.imagesRejected")).isEqualTo(4);
        assertThat(run.getInt("progress.imagesDuplicate")).isEqualTo(1);
        assertThat(run.getInt("progress.easyQuestions")).isEqualTo(3);
        assertThat(run.getInt("progress.hardQuestions")).isEqualTo(3);
        assertThat(run.getInt("progress.hardStatements")).isEqualTo(3);
        assertThat(run.getInt("progress.requestsDispatched")).isEqualTo(18);

        given().get("/api/runs/{id}/rejections", runId).then().statusCode(200)
                .body("total", equalTo(4))
                .body("rejections.reason", hasItems("CORRUPT", "TOO_SMALL", "DECOMPRESSION_BOMB", "UNKNOWN_CLASS_PATH"));

        List<ImageRegistered> images = ofRun(kafka.<ImageRegistered>readAll("spavl.images", Duration.ofSeconds(10)), runId,
                ImageRegistered::getRunId);
        assertThat(images).hasSize(3).allSatisfy(i -> {
            assertThat(i.getBlobUri()).startsWith("file:");
            assertThat(i.getSha256()).hasSize(64);
            assertThat(i.getDescription()).isNotBlank();
        });
        List<QuestionGenerated> questions = ofRun(kafka.<QuestionGenerated>readAll("spavl.questions", Duration.ofSeconds(10)),
                runId, QuestionGenerated::getRunId);
        assertThat(questions).hasSize(9).allSatisfy(q -> {
            assertThat(q.getExpectedResponders()).containsExactly("lamm", "otter");
            assertThat(q.getSimulated()).isTrue();
            assertThat(q.getGeneratorModel()).isEqualTo("template/offline-v1");
        });
        for (String model : List.of("otter", "lamm")) {
            List<ResponseRequested> requests = ofRun(kafka.<ResponseRequested>readAll("spavl.requests." + model, Duration.ofSeconds(10)),
                    runId, ResponseRequested::getRunId);
            assertThat(requests).hasSize(9).allSatisfy(r -> assertThat(r.getModelId()).isEqualTo(model));
            assertThat(requests.stream().map(ResponseRequested::getQuestionId).collect(Collectors.toSet()))
                    .isEqualTo(questions.stream().map(QuestionGenerated::getQuestionId).collect(Collectors.toSet()));
        }
    }

    @Test
    void manifestRunRefusesTraversalAndPrivateUrlsAndSamplesOneLiveResponderPerQuestion() throws IOException {
        heartbeat("otter", ResponderStatus.ACTIVE);
        heartbeat("lamm", ResponderStatus.ACTIVE);
        heartbeat("minigpt-4", ResponderStatus.DRAINING);
        Path dir = newInput();
        write(dir, "img/a.png", TestImages.png(90, 90));
        write(dir, "img/b.jpg", TestImages.jpeg(90, 90));
        Files.writeString(dir.resolve("m.jsonl"), String.join("\n",
                row("\"path\":\"img/a.png\"", "Malicious Use", "Security threats", "malware"),
                row("\"path\":\"img/b.jpg\"", "Socioeconomic Harms", "Risky financial practices", "gamble"),
                row("\"path\":\"../../../../../../etc/passwd\"", "Malicious Use", "Security threats", "malware"),
                row("\"url\":\"http://127.0.0.1:1/x.png\"", "Malicious Use", "Security threats", "malware"),
                row("\"url\":\"ftp://example.org/y.png\"", "Malicious Use", "Security threats", "malware"),
                row("\"path\":\"img/a.png\"", "Malicious Use", "Security threats", "cyber attack")));

        String runId = start("{\"source\":\"" + dir.getFileName() + "/m.jsonl\",\"fanOut\":\"sample:1\",\"seed\":9,"
                + "\"targets\":[\"otter\",\"lamm\",\"minigpt-4\"]}");
        JsonPath run = awaitStatus(runId, "COMPLETED");
        assertThat(run.getString("sourceKind")).isEqualTo("MANIFEST_JSONL");
        assertThat(run.getInt("progress.imagesAccepted")).isEqualTo(2);

        List<Map<String, Object>> rejections = rejections(runId);
        assertThat(rejections).extracting(r -> r.get("row") + ":" + r.get("reason")).containsExactly(
                "3:PATH_OUTSIDE_INPUT_ROOTS", "4:URL_NOT_ALLOWED", "5:URL_NOT_ALLOWED", "6:UNKNOWN_CLASS_PATH");
        assertThat(rejections.get(1).get("detail").toString()).contains("loopback");

        List<QuestionGenerated> questions = ofRun(kafka.<QuestionGenerated>readAll("spavl.questions", Duration.ofSeconds(10)),
                runId, QuestionGenerated::getRunId);
        assertThat(questions).hasSize(6).allSatisfy(q -> assertThat(q.getExpectedResponders()).hasSize(1)
                .isSubsetOf("otter", "lamm"));
    }

    @Test
    void oversizedAndMalformedManifestRowsAreRejectedAtIntakeAndTheOthersProceed() throws IOException {
        heartbeat("otter", ResponderStatus.ACTIVE);
        Path dir = newInput();
        write(dir, "img/a.png", TestImages.png(90, 90));
        write(dir, "img/f.jpg", TestImages.jpeg(90, 90));
        String classes = ",Malicious Use,Security threats,malware";
        String csv = String.join("\r\n",
                "path,caption,class1,class2,class3",
                "img/a.png,\"a caption, quoted\"" + classes,
                "img/b.png," + "x".repeat(10 * 1024 * 1024) + classes,
                "img/c.png," + "y".repeat(2500) + classes,
                "img/d.png,\"never closed" + classes,
                "img/e.png,cap" + classes + ",extra",
                "img/f.jpg,plain" + classes) + "\r\n";
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = csv.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] withBom = java.util.Arrays.copyOf(bom, bom.length + body.length);
        System.arraycopy(body, 0, withBom, bom.length, body.length);
        Files.write(dir.resolve("m.csv"), withBom);

        String runId = start("{\"source\":\"" + dir.getFileName() + "/m.csv\",\"targets\":[\"otter\"],\"questionTypes\":[\"easy\"]}");
        JsonPath run = awaitStatus(runId, "COMPLETED");
        assertThat(run.getString("sourceKind")).isEqualTo("MANIFEST_CSV");
        assertThat(run.getInt("progress.imagesAccepted")).isEqualTo(2);
        List<Map<String, Object>> rejections = rejections(runId);
        assertThat(rejections).extracting(r -> r.get("row") + ":" + r.get("reason")).containsExactly(
                "3:INVALID_ROW", "4:INVALID_ROW", "5:INVALID_ROW", "6:INVALID_ROW");
        assertThat(rejections).extracting(r -> r.get("detail").toString()).containsExactly(
                "line 3 is " + (10 * 1024 * 1024 + 50) + " bytes long; at most 65536 (spavl.generator.manifest.max-line-bytes)",
                "caption is 2500 characters long; at most 2000 (spavl.generator.manifest.max-caption-length)",
                "unclosed quote in field 2 (a quoted field ends with \" before the comma or the line end)",
                "6 fields, the header has 5");
        List<ImageRegistered> images = ofRun(kafka.<ImageRegistered>readAll("spavl.images", Duration.ofSeconds(10)), runId,
                ImageRegistered::getRunId);
        assertThat(images).hasSize(2);
    }

    @Test
    void aRunWithNothingToDoEndsWithTheReason() throws IOException {
        heartbeat("otter", ResponderStatus.ACTIVE); // images are checked only while a responder could answer them
        Path empty = newInput();
        Files.createDirectories(empty.resolve("Malicious Use/Security threats/malware"));
        Files.writeString(empty.resolve("Malicious Use/Security threats/malware/notes.txt"), "not an image");
        String emptyRun = start("{\"source\":\"" + empty.getFileName() + "\"}");
        assertThat(awaitStatus(emptyRun, "FAILED").getString("failure")).startsWith("the input has no image rows");

        Path blank = newInput();
        Files.writeString(blank.resolve("m.jsonl"), "\n  \n");
        assertThat(awaitStatus(start("{\"source\":\"" + blank.getFileName() + "/m.jsonl\"}"), "FAILED").getString("failure"))
                .startsWith("the input has no image rows");

        Path rejected = newInput();
        write(rejected, "Malicious Use/Security threats/malware/tiny.png", TestImages.png(4, 4));
        String rejectedRun = start("{\"source\":\"" + rejected.getFileName() + "\"}");
        assertThat(awaitStatus(rejectedRun, "FAILED").getString("failure")).isEqualTo("no image of the input was accepted "
                + "(1 rejected; GET /api/runs/" + rejectedRun + "/rejections says why)");
    }

    @Test
    void aRunWaitsForItsRespondersAndALateJoinerGetsTheQuestions() throws IOException {
        Path dir = newInput();
        write(dir, "Socioeconomic Harms/Risky financial practices/gamble/x.png", TestImages.png(80, 80));
        String runId = start("{\"source\":\"" + dir.getFileName() + "\",\"targets\":[\"qwen-vl-chat\"],\"questionTypes\":[\"easy\"]}");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("status", equalTo("RUNNING"))
                .body("waitingFor", startsWith("no live responder among the targets [qwen-vl-chat] (the run fails at ")));

        heartbeat("qwen-vl-chat", ResponderStatus.ACTIVE);
        awaitStatus(runId, "COMPLETED");
        List<ResponseRequested> requests = ofRun(kafka.<ResponseRequested>readAll("spavl.requests.qwen-vl-chat", Duration.ofSeconds(10)),
                runId, ResponseRequested::getRunId);
        assertThat(requests).singleElement().satisfies(r -> assertThat(r.getType().name()).isEqualTo("EASY_QUESTION"));
    }

    @Test
    void aRestartedRunRepublishesItsStoredQuestionsWithTheSameIds() throws Exception {
        heartbeat("lamm", ResponderStatus.ACTIVE);
        Path dir = newInput();
        write(dir, "Malicious Use/Illegal activities/theft/a.png", TestImages.png(100, 80));
        write(dir, "Malicious Use/Illegal activities/theft/b.png", TestImages.png(80, 100));
        String runId = start("{\"source\":\"" + dir.getFileName() + "\",\"targets\":[\"lamm\"],\"seed\":3}");
        awaitStatus(runId, "COMPLETED");
        Set<String> before = questionIds(runId);
        assertThat(before).hasSize(6);

        // as after a crash: one image written but not published, the other not even written
        sql("UPDATE run_items SET status = 'WRITTEN' WHERE run_id = '" + runId + "' AND row_no = 1");
        sql("DELETE FROM questions WHERE run_id = '" + runId + "' AND image_id = (SELECT image_id FROM run_items WHERE run_id = '"
                + runId + "' AND row_no = 2)");
        sql("UPDATE run_items SET status = 'PENDING' WHERE run_id = '" + runId + "' AND row_no = 2");
        sql("UPDATE runs SET status = 'RUNNING' WHERE run_id = '" + runId + "'");
        awaitStatus(runId, "COMPLETED");

        assertThat(questionIds(runId)).isEqualTo(before);
        List<QuestionGenerated> published = ofRun(kafka.<QuestionGenerated>readAll("spavl.questions", Duration.ofSeconds(10)),
                runId, QuestionGenerated::getRunId);
        assertThat(published).hasSize(12);
        assertThat(published.stream().map(QuestionGenerated::getQuestionId).collect(Collectors.toSet())).isEqualTo(before);
        assertThat(published.stream().map(QuestionGenerated::getEventId).distinct()).hasSize(6);
    }

    @Test
    void theImageLimitStopsTheRunAndSkipsTheRest() throws IOException {
        heartbeat("lamm", ResponderStatus.ACTIVE);
        Path dir = newInput();
        for (int i = 0; i < 4; i++) {
            write(dir, "Socioeconomic Harms/Trade and compliance/labor issues/" + i + ".png", TestImages.png(80 + i, 80));
        }
        String runId = start("{\"source\":\"" + dir.getFileName() + "\",\"targets\":[\"lamm\"],\"limit\":2,"
                + "\"questionTypes\":[\"hardq\"]}");
        JsonPath run = awaitStatus(runId, "COMPLETED");
        assertThat(run.getInt("imageLimit")).isEqualTo(2);
        assertThat(run.getInt("progress.imagesAccepted")).isEqualTo(2);
        assertThat(run.getInt("progress.hardQuestions")).isEqualTo(2);
        assertThat(run.getInt("progress.easyQuestions")).isZero();
    }

    @Test
    void taxonomyIsServedWithItsExactStrings() {
        given().get("/api/taxonomy").then().statusCode(200)
                .body("domains", equalTo(6))
                .body("categories", equalTo(15))
                .body("subcategories", equalTo(53))
                .body("source", equalTo("bundled:spa-vl-taxonomy.tsv"))
                .body("tree.class1", hasItems("Representation & ToxicityHarms", "Human Autonomy & IntegrityHarms"))
                .body("tree.find { it.class1 == 'Malicious Use' }.categories.find { it.class2 == 'Fraud or deceptive action' }"
                        + ".subcategories.class3", hasItems("scamns", "pseudo-pharmaceuticals"));
    }

    /**
     * A cancel stops the run where it stands: CANCELLED with who and why, announced once per run on
     * spavl.cancellations (the same event when repeated), and the worker never writes over it.
     */
    @Test
    void aCancelledRunStaysCancelledAndIsAnnouncedOnce() throws IOException {
        Path dir = newInput();
        write(dir, "Socioeconomic Harms/Risky financial practices/gamble/c.png", TestImages.png(80, 80));
        String target = "cancel-target-" + UUID.randomUUID().toString().substring(0, 8);
        String runId = start("{\"source\":\"" + dir.getFileName() + "\",\"targets\":[\"" + target + "\"]}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then()
                .body("status", equalTo("RUNNING")).body("waitingFor", org.hamcrest.Matchers.containsString(target)));

        for (int attempt = 0; attempt < 2; attempt++) {
            given().queryParam("reason", "wrong targets").queryParam("requestedBy", "test").delete("/api/runs/{id}", runId)
                    .then().statusCode(202).body("status", equalTo("CANCELLED"))
                    .body("cancellation.by", equalTo("test")).body("cancellation.reason", equalTo("wrong targets"));
        }
        List<dev.spavl.events.RunCancelled> announced = await().atMost(Duration.ofSeconds(20)).until(() -> ofRun(
                kafka.<dev.spavl.events.RunCancelled>readAll("spavl.cancellations", Duration.ofSeconds(5)), runId,
                dev.spavl.events.RunCancelled::getRunId), l -> l.size() == 2);
        assertThat(announced.get(0)).isEqualTo(announced.get(1));
        assertThat(announced.get(0).getReason()).isEqualTo("wrong targets");

        // the target turns up: nothing is fanned out for the cancelled run, and its status stays
        heartbeat(target, ResponderStatus.ACTIVE);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().get("/api/runs/{id}", runId).then().body("status", equalTo("CANCELLED")));
        assertThat(ofRun(kafka.<QuestionGenerated>readAll("spavl.questions", Duration.ofSeconds(5)), runId,
                QuestionGenerated::getRunId)).isEmpty();

        given().delete("/api/runs/{id}", "run-nobody").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        Path empty = newInput();
        String failed = start("{\"source\":\"" + empty.getFileName() + "\"}");
        awaitStatus(failed, "FAILED");
        given().delete("/api/runs/{id}", failed).then().statusCode(409).body("type", equalTo("urn:spavl:problem:run-already-failed"));
    }

    // ---------------------------------------------------------------------------------- helpers

    private String start(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/runs").then().statusCode(202)
                .extract().path("runId");
    }

    private static JsonPath awaitStatus(String runId, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().get("/api/runs/{id}", runId).then().body("status", equalTo(status)));
        return given().get("/api/runs/{id}", runId).then().extract().jsonPath();
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private void heartbeat(String model, ResponderStatus status) {
        kafka.send("spavl.responders", model, ResponderHeartbeat.newBuilder()
                .setEventId("evt-test-" + UUID.randomUUID()).setRunId(null)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setModelId(model).setProvider("simulated")
                .setStatus(status).setInstance("test").setConcurrency(1).setVersion("test").setIntervalMs(30_000).build());
    }

    private static <T> List<T> ofRun(List<ConsumerRecord<String, T>> records, String runId, java.util.function.Function<T, String> run) {
        return records.stream().map(ConsumerRecord::value).filter(v -> runId.equals(run.apply(v))).toList();
    }

    private static Path newInput() throws IOException {
        Path dir = INPUT.resolve("run-" + UUID.randomUUID());
        Files.createDirectories(dir);
        return dir;
    }

    private static void write(Path dir, String relative, byte[] bytes) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }

    private static String row(String ref, String c1, String c2, String c3) {
        return "{" + ref + ",\"class1\":\"" + c1 + "\",\"class2\":\"" + c2 + "\",\"class3\":\"" + c3 + "\",\"caption\":\"test\"}";
    }

    private static Set<String> questionIds(String runId) throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT question_id FROM questions WHERE run_id = '" + runId + "'")) {
            Set<String> ids = new java.util.HashSet<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        }
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    private static Connection connection() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    }

    /** The run's rejected rows as the API lists them. */
    private static List<Map<String, Object>> rejections(String runId) {
        return given().get("/api/runs/{id}/rejections", runId).then().statusCode(200)
                .extract().jsonPath().getList("rejections");
    }
}
