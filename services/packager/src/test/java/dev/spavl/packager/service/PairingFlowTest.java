package dev.spavl.packager.service;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.DatasetSplit;
import dev.spavl.events.ImageRegistered;
import dev.spavl.events.PairJudged;
import dev.spavl.events.PairOutcome;
import dev.spavl.events.PairProposed;
import dev.spavl.events.PairVerdict;
import dev.spavl.events.QuadrupleAssembled;
import dev.spavl.events.QuestionGenerated;
import dev.spavl.events.QuestionType;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseStatus;
import dev.spavl.events.SafetyAssessed;
import dev.spavl.events.SafetySubject;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PrometheusText;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * From answers to quadruples against a real broker, registry and PostgreSQL: duplicated and shuffled
 * delivery of every event type, the quorum after the answer timeout, resampling after an inconsistent verdict.
 */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class PairingFlowTest {

    private static final List<String> MODELS = List.of("m-safe", "m-mid", "m-risky");
    private final AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();

    @jakarta.inject.Inject
    dev.spavl.blobstore.BlobStore blobs;

    /** One event to send: topic, key, value. */
    private record Send(String topic, String key, org.apache.avro.specific.SpecificRecord value) {
    }

    @Test
    void duplicatedAndShuffledEventsGiveExactlyOneQuadruple() {
        String q = "q-" + UUID.randomUUID();
        List<Send> events = new ArrayList<>(everything(q, MODELS));
        events.addAll(new ArrayList<>(events)); // every event twice
        Collections.shuffle(events, new Random(7));
        events.forEach(s -> kafka.send(s.topic(), s.key(), s.value()));

        PairProposed pair = awaitPairs(q, 1).get(0);
        assertThat(pair.getAttempt()).isEqualTo(1);
        assertThat(pair.getAnswerA().getModelId()).isNotEqualTo(pair.getAnswerB().getModelId());
        assertThat(pair.getAnswerA().getSafetyGroup()).isNotEqualTo(pair.getAnswerB().getSafetyGroup());
        assertThat(pair.getAnswerA().getSafe()).isNotNull();
        PairJudged verdict = verdict(pair, PairOutcome.CHOSEN_B);
        kafka.send("spavl.verdicts", q, verdict);
        kafka.send("spavl.verdicts", q, verdict);

        QuadrupleAssembled quad = awaitQuadruples(q, 1).get(0);
        assertThat(quad.getChosenModel()).isEqualTo(pair.getAnswerB().getModelId());
        assertThat(quad.getRejectedModel()).isEqualTo(pair.getAnswerA().getModelId());
        assertThat(quad.getChosen()).isEqualTo("answer of " + quad.getChosenModel());
        assertThat(quad.getImageName()).isEqualTo("Malicious Use/Illegal activities/theft/" + q + ".png");
        assertThat(quad.getSplit()).isIn(DatasetSplit.TRAIN, DatasetSplit.VALIDATION, DatasetSplit.TEST_HARM, DatasetSplit.TEST_HELP);
        assertThat(quad.getQuestionSafe()).isFalse();
        // nothing more comes: still one pair and one quadruple a moment later
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(20))
                .until(() -> pairs(q).size() == 1 && quadruples(q).size() == 1);

        // the API serves it, filtered and paged
        List<Map<String, Object>> items = given().queryParam("run", "run-pairing").queryParam("class2", "Illegal activities")
                .queryParam("split", quad.getSplit().name().toLowerCase().replace('_', '-')).queryParam("size", 500)
                .get("/api/quadruples").then().statusCode(200).extract().jsonPath().getList("items");
        assertThat(items).filteredOn(i -> q.equals(i.get("questionId"))).singleElement().satisfies(i -> {
            assertThat(i.get("chosen")).isEqualTo(quad.getChosen());
            assertThat(i.get("rejected")).isEqualTo(quad.getRejected());
            assertThat(i.get("question")).isEqualTo("How could someone steal this?");
        });
        given().queryParam("split", "holdout").get("/api/quadruples").then().statusCode(400)
                .contentType("application/problem+json").body("parameter", equalTo("split"))
                .body("detail", containsString("test-harm"));
        given().queryParam("size", 0).get("/api/quadruples").then().statusCode(400).body("parameter", equalTo("size"));
    }

    @Test
    void anInconsistentVerdictDrawsAnotherPair() {
        String q = "q-" + UUID.randomUUID();
        everything(q, MODELS).forEach(s -> kafka.send(s.topic(), s.key(), s.value()));
        PairProposed first = awaitPairs(q, 1).get(0);
        kafka.send("spavl.verdicts", q, verdict(first, PairOutcome.INCONSISTENT));

        PairProposed second = awaitPairs(q, 2).get(1);
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(java.util.Set.of(second.getAnswerA().getModelId(), second.getAnswerB().getModelId()))
                .isNotEqualTo(java.util.Set.of(first.getAnswerA().getModelId(), first.getAnswerB().getModelId()));
        kafka.send("spavl.verdicts", q, verdict(second, PairOutcome.CHOSEN_A));
        assertThat(awaitQuadruples(q, 1).get(0).getPairId()).isEqualTo(second.getPairId());
    }

    @Test
    void afterTheTimeoutAQuorumIsPairedAndMissingAnswersAreNotWaitedFor() {
        String q = "q-" + UUID.randomUUID();
        List<String> expected = List.of("m-safe", "m-mid", "m-risky", "m-silent");
        // m-silent never answers; m-risky FAILED: 2 labelled answers = the quorum
        everything(q, expected).stream()
                .filter(s -> !(s.value() instanceof ResponseOutcome r && r.getModelId().equals("m-silent")))
                .filter(s -> !(s.value() instanceof SafetyAssessed a && "m-silent".equals(a.getModelId())))
                .map(s -> s.value() instanceof ResponseOutcome r && r.getModelId().equals("m-risky")
                        ? new Send(s.topic(), s.key(), failed(r)) : s)
                .filter(s -> !(s.value() instanceof SafetyAssessed a && "m-risky".equals(a.getModelId())))
                .forEach(s -> kafka.send(s.topic(), s.key(), s.value()));
        // still waiting for m-silent (the answer timeout of the test profile is 4 s)
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> pairs(q).isEmpty());

        PairProposed pair = awaitPairs(q, 1).get(0); // after the 4 s answer timeout of the test profile
        assertThat(java.util.Set.of(pair.getAnswerA().getModelId(), pair.getAnswerB().getModelId())).containsExactlyInAnyOrder("m-safe", "m-mid");
    }

    /**
     * Answers and labels are applied a poll at a time: an unreadable record among them, a record of another event type,
     * and an answer that fails on its own (a model id longer than the column), each go to the dead-letter topic with their reason, and nothing
     * else of the batch is lost.
     */
    @Test
    void aBadRecordInABatchOfAnswersGoesToTheDeadLetterTopicAloneAndTheRestIsApplied() {
        String q = "q-" + UUID.randomUUID();
        String tooLong = "m-" + "x".repeat(100);
        List<Send> events = everything(q, MODELS);
        ResponseOutcome firstAnswer = events.stream().map(Send::value).filter(ResponseOutcome.class::isInstance)
                .map(ResponseOutcome.class::cast).findFirst().orElseThrow();
        kafka.sendRaw("spavl.responses", q, "this is not Avro".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // a valid record of another event type: the question it names, on the answers topic
        kafka.sendRaw("spavl.responses", q, kafka.serialize("spavl.questions", events.stream().map(Send::value)
                .filter(dev.spavl.events.QuestionGenerated.class::isInstance).findFirst().orElseThrow()));
        kafka.send("spavl.responses", q, ResponseOutcome.newBuilder(firstAnswer)
                .setEventId(Ids.event("ResponseOutcome", q, tooLong)).setModelId(tooLong).build());
        events.forEach(s -> kafka.send(s.topic(), s.key(), s.value()));

        assertThat(awaitPairs(q, 1)).hasSize(1);
        List<ConsumerRecord<String, byte[]>> dead = await().atMost(Duration.ofSeconds(30))
                .until(() -> kafka.readAllRaw("spavl.responses.dlq", Duration.ofSeconds(5)).stream()
                        .filter(r -> q.equals(r.key())).toList(), l -> l.size() >= 3);
        List<String> reasons = dead.stream().map(r -> new String(r.headers().lastHeader("dead-letter-reason").value(),
                java.nio.charset.StandardCharsets.UTF_8)).toList();
        assertThat(reasons).hasSize(3).anySatisfy(r -> assertThat(r).contains("not in the Confluent wire format"))
                .anySatisfy(r -> assertThat(r).contains("is a dev.spavl.events.QuestionGenerated record, not the dev.spavl.events.ResponseOutcome"))
                .anySatisfy(r -> assertThat(r).contains("too long"));
        given().get("/q/health/ready").then().statusCode(200);
    }

    /**
     * A cancelled run keeps what is finished (its quadruple) and closes its open questions as CANCELLED, also one that
     * arrives after the cancel; the API and the dataset card say so.
     */
    @Test
    void aCancelledRunKeepsWhatIsFinishedAndClosesItsOpenQuestions() {
        String runId = "run-cancel-" + UUID.randomUUID();
        String image = blobs.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 7}, "image/png").uri().toString();
        String done = "q-" + UUID.randomUUID();
        everything(runId, done, MODELS, image).forEach(s -> kafka.send(s.topic(), s.key(), s.value()));
        PairProposed p = awaitPairs(done, 1).get(0);
        kafka.send("spavl.verdicts", done, verdict(p, Boolean.TRUE.equals(p.getAnswerA().getSafe()) ? PairOutcome.CHOSEN_A : PairOutcome.CHOSEN_B));
        awaitQuadruples(done, 1);
        // a question still waiting for its answers (only the question and its image are in), cancelled before the
        // test profile's 4 s answer timeout would close it
        String open = "q-" + UUID.randomUUID();
        withoutRun(runId, open, MODELS, image).stream().filter(s -> !s.topic().equals("spavl.responses") && !s.topic().equals("spavl.assessments"))
                .forEach(s -> kafka.send(s.topic(), s.key(), s.value()));
        kafka.send("spavl.cancellations", runId, dev.spavl.events.RunCancelled.newBuilder().setEventId(Ids.event("RunCancelled", runId))
                .setRunId(runId).setOccurredAt(now()).setRequestedBy("operator").setReason("wrong input").build());
        String late = "q-" + UUID.randomUUID();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Cache-Control", "no-cache").get("/api/runs/{id}", runId)
                .then().body("progress.questionsByState.CANCELLED", equalTo(1)).body("cancellation.reason", equalTo("wrong input")));
        withoutRun(runId, late, MODELS, image).forEach(s -> kafka.send(s.topic(), s.key(), s.value()));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Cache-Control", "no-cache").get("/api/runs/{id}", runId)
                .then().body("progress.questionsByState.CANCELLED", equalTo(2)).body("progress.questionsByState.RESOLVED", equalTo(1)));
        assertThat(pairs(late)).as("a cancelled question is never paired").isEmpty();

        // the automatic export may have run between the cancel and the late question: the card follows the last export
        given().post("/api/runs/{id}/export", runId).then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().get("/api/runs/{id}/export", runId).then().statusCode(200).body("state", equalTo("DONE")).body("quadruples", equalTo(1));
            String directory = given().get("/api/runs/{id}/export", runId).then().extract().path("directory");
            assertThat(java.nio.file.Path.of(directory).resolve("README.md")).content()
                    .contains("**Cancelled run.**", "by operator (wrong input)", "2 question(s) still open then were closed as CANCELLED");
        });
    }

    // ---- events -------------------------------------------------------------------------------------

    @Test
    void tableOneProgressAndTheExportOfARun() throws Exception {
        String runId = "run-stats-" + UUID.randomUUID();
        dev.spavl.blobstore.StoredBlob image = blobs.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 5}, "image/png");
        // one question's image pinned to each of train and validation, and a held-out image (test-harm) whose question
        // is only asked: it must end up in test/harm and in no train or validation row
        List<String> questions = List.of("q-" + UUID.randomUUID(), "q-" + UUID.randomUUID());
        List<DatasetSplit> pins = List.of(DatasetSplit.TRAIN, DatasetSplit.VALIDATION);
        for (int i = 0; i < questions.size(); i++) {
            pinned(everything(runId, questions.get(i), MODELS, image.uri().toString()), pins.get(i))
                    .forEach(s -> kafka.send(s.topic(), s.key(), s.value()));
        }
        String heldOut = "q-" + UUID.randomUUID();
        pinned(withoutRun(runId, heldOut, MODELS, image.uri().toString()), DatasetSplit.TEST_HARM)
                .forEach(s -> kafka.send(s.topic(), s.key(), s.value()));
        for (String q : questions) {
            PairProposed p = awaitPairs(q, 1).get(0);
            // the safe model's answer (labelled safe) is chosen when it is in the pair
            boolean aSafe = Boolean.TRUE.equals(p.getAnswerA().getSafe());
            kafka.send("spavl.verdicts", q, verdict(p, aSafe ? PairOutcome.CHOSEN_A : PairOutcome.CHOSEN_B));
        }
        questions.forEach(q -> awaitQuadruples(q, 1));
        awaitPairs(heldOut, 1);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/runs/{id}/stats", runId).then().statusCode(200)
                .body("rows[0].class1", equalTo("Malicious Use"))
                .body("rows[0].class2", equalTo("Illegal activities"))
                .body("rows[0].images", equalTo(2))
                .body("rows[0].questions", equalTo(2))
                .body("rows[0].questionUnsafePercent", equalTo(100.0f))
                .body("total.questions", equalTo(2))
                .body("judge.positionFlipRate", equalTo(0.0f))
                .body("usage.answerTokensIn", equalTo(90)));
        given().get("/api/runs/{id}", runId).then().statusCode(200)
                .body("progress.questionsByState.RESOLVED", equalTo(2))
                .body("progress.answersByStatus.OK", equalTo(9))
                .body("progress.quadruplesByClass2.'Illegal activities'", equalTo(2));
        given().queryParam("split", "nope").get("/api/runs/{id}/stats", runId).then().statusCode(400);

        // the export: started, then DONE with its files, read back as plain JSON
        given().post("/api/runs/{id}/export", runId).then().statusCode(202).body("state", equalTo("RUNNING"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}/export", runId).then().statusCode(200)
                .body("state", equalTo("DONE")).body("quadruples", equalTo(2)).body("images", equalTo(3)));
        String directory = given().get("/api/runs/{id}/export", runId).then().extract().path("directory");
        java.nio.file.Path dir = java.nio.file.Path.of(directory);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> files = given().get("/api/runs/{id}/export", runId).then().extract().jsonPath().getList("files");
        String trainImage = "training/images/Malicious Use/Illegal activities/theft/" + questions.get(0) + ".png";
        assertThat(files).as("every file written, images included").containsExactlyInAnyOrder("README.md",
                "data/train-00000.parquet", "validation/validation-00000.parquet", "test/harm-00000.parquet",
                "dpo/train-00000.parquet", "dpo/validation-00000.parquet", "dpo/text/train.jsonl", "dpo/text/validation.jsonl",
                "training/hardq.json", "training/config_train.json", trainImage,
                "meta_files/image_info/meta.json", "meta_files/model_answer/hardq.json", "meta_files/prefer/hardq.json",
                "meta_files/safety/hardq.json", "meta_files/split/hardq.json");

        // the training JSON as SPA-VL's training code reads it: an integer id, the image relative to training/images
        var training = json.readTree(dir.resolve("training/hardq.json").toFile());
        assertThat(training).hasSize(1);
        var first = training.get(0);
        assertThat(first.get("id").isIntegralNumber()).isTrue();
        assertThat(first.get("id").asInt()).isZero();
        assertThat(first.get("question_id").asText()).isEqualTo(questions.get(0));
        assertThat(java.nio.file.Files.readAllBytes(dir.resolve("training/images").resolve(first.get("image").asText())))
                .isEqualTo(blobs.get(image.uri()));
        assertThat(first.get("chosen").asText()).startsWith("answer of ");
        assertThat(json.readTree(dir.resolve("training/config_train.json").toFile()).toString()).isEqualTo("{\"hardq\":\"hardq.json\"}");
        assertThat(json.readTree(dir.resolve("meta_files/split/hardq.json").toFile())).hasSize(1)
                .allSatisfy(r -> assertThat(r.get("chosen").asText()).isEqualTo(first.get("chosen").asText()));
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("dpo/text/validation.jsonl"))).hasSize(1)
                .allSatisfy(l -> assertThat(json.readTree(l).get("prompt").asText()).isEqualTo("How could someone steal this?"));
        var prefer = json.readTree(dir.resolve("meta_files/prefer/hardq.json").toFile());
        assertThat(prefer).hasSize(2).allSatisfy(r -> assertThat(r.get("reason1").asText()).isEqualTo("r1"));
        var answers = json.readTree(dir.resolve("meta_files/model_answer/hardq.json").toFile());
        assertThat(answers).hasSize(3).allSatisfy(r -> {
            assertThat(r.get("answers")).hasSize(3);
            assertThat(r.get("m-safe").asText()).as("SPA-VL's one field per model").isEqualTo("answer of m-safe");
        });
        var imageInfo = json.readTree(dir.resolve("meta_files/image_info/meta.json").toFile());
        assertThat(imageInfo).hasSize(3).allSatisfy(r -> assertThat(r.get("md5").asText()).hasSize(32));

        // the Parquet files, read back by DuckDB (an independent Parquet implementation): every field nullable, as
        // datasets writes them, the features in the file metadata
        Map<String, Integer> rows = new java.util.HashMap<>();
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:"); java.sql.Statement st = duck.createStatement()) {
            for (String f : files.stream().filter(f -> f.endsWith(".parquet")).toList()) {
                String path = dir.resolve(f).toString().replace("'", "''");
                try (java.sql.ResultSet rs = st.executeQuery("select name, repetition_type from parquet_schema('" + path + "') "
                        + "where name <> 'schema' and repetition_type <> 'REPEATED'")) {
                    while (rs.next()) {
                        assertThat(rs.getString(2)).as("%s: field %s", f, rs.getString(1)).isEqualTo("OPTIONAL");
                    }
                }
                try (java.sql.ResultSet rs = st.executeQuery("select count(*) from read_parquet('" + path + "')")) {
                    rs.next();
                    rows.put(f, rs.getInt(1));
                }
                try (java.sql.ResultSet rs = st.executeQuery("select decode(value) from parquet_kv_metadata('" + path
                        + "') where decode(key) = 'huggingface'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).contains("\"_type\":\"Image\"");
                }
            }
            String train = dir.resolve("data/train-00000.parquet").toString().replace("'", "''");
            try (java.sql.ResultSet rs = st.executeQuery("select image.path, image.bytes, question, image_name from read_parquet('" + train + "')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Malicious Use/Illegal activities/theft/" + questions.get(0) + ".png");
                assertThat(rs.getBytes(2)).isEqualTo(blobs.get(image.uri()));
                assertThat(rs.getString(3)).isEqualTo("How could someone steal this?");
            }
            String harm = dir.resolve("test/harm-00000.parquet").toString().replace("'", "''");
            try (java.sql.ResultSet rs = st.executeQuery("select image.path, question, class3 from read_parquet('" + harm + "')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).contains(heldOut);
                assertThat(rs.getString(3)).isEqualTo("theft");
            }
            String dpo = dir.resolve("dpo/train-00000.parquet").toString().replace("'", "''");
            try (java.sql.ResultSet rs = st.executeQuery("select len(images), prompt[1].role, prompt[1].content, chosen[1].role "
                    + "from read_parquet('" + dpo + "')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getString(2)).isEqualTo("user");
                assertThat(rs.getString(3)).isEqualTo("How could someone steal this?");
                assertThat(rs.getString(4)).isEqualTo("assistant");
            }
        }
        assertThat(rows).containsEntry("data/train-00000.parquet", 1).containsEntry("validation/validation-00000.parquet", 1)
                .containsEntry("test/harm-00000.parquet", 1).containsEntry("dpo/train-00000.parquet", 1);
        String card = java.nio.file.Files.readString(dir.resolve("README.md"));
        assertThat(card).contains("- config_name: default\n  data_files:\n  - split: train\n    path: data/train-*.parquet\n")
                .contains("- config_name: test\n  data_files:\n  - split: harm\n    path: test/harm-*.parquet\n")
                .doesNotContain("split: help")
                .contains("  splits:\n  - name: validation\n    num_examples: 1\n");
        assertThat(card).as("Table 1 over the training split, grouped by class1")
                .contains("| Malicious Use | Illegal activities | 1 | 1 (100.00) |")
                .contains("| **Malicious Use** | **subtotal** | **1** |")
                .contains("| **total** |  | **1** | **1 (100.00)**");
        assertThat(card).contains("Simulated data").contains("`m-safe` (simulated)").contains("defamation someone");

        // exported again from the same data: the same bytes in every file (reproducible after a crash and a re-export)
        Map<String, String> before = digests(dir);
        String firstFinish = given().get("/api/runs/{id}/export", runId).then().extract().path("finishedAt");
        given().post("/api/runs/{id}/export", runId).then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/{id}/export", runId).then().statusCode(200)
                .body("state", equalTo("DONE")).body("finishedAt", org.hamcrest.Matchers.not(equalTo(firstFinish))));
        assertThat(digests(dir)).isEqualTo(before);
        given().get("/api/runs/{id}/export", "run-never-exported").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/runs/{id}/stats", "run-unknown").then().statusCode(404).contentType("application/problem+json");
    }

    /** sha256 of every file of an export but its status (which has the export's times), by relative path. */
    private static Map<String, String> digests(java.nio.file.Path dir) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        try (var files = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                if (!f.getFileName().toString().equals("export-status.json")) {
                    out.put(dir.relativize(f).toString(), java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(java.nio.file.Files.readAllBytes(f))));
                }
            }
        }
        return out;
    }

    /** The events with the image and its questions pinned to a split, as a manifest's split column does. */
    private static List<Send> pinned(List<Send> events, DatasetSplit split) {
        return events.stream().map(s -> s.value() instanceof ImageRegistered i
                ? new Send(s.topic(), s.key(), ImageRegistered.newBuilder(i).setSplit(split).build())
                : s.value() instanceof QuestionGenerated q
                ? new Send(s.topic(), s.key(), QuestionGenerated.newBuilder(q).setSplit(split).build()) : s).toList();
    }

    @Test
    void aQuestionReadyBeforeItsRunIsRecordedWaitsForTheRunsSeed() {
        String runId = "run-late-" + UUID.randomUUID();
        String q = "q-" + UUID.randomUUID();
        withoutRun(runId, q, MODELS, "file:///blobs/" + "a".repeat(64)).forEach(s -> kafka.send(s.topic(), s.key(), s.value()));
        // complete, but its pair would depend on the seed: nothing is paired while the run is unknown (timeout 4 s here)
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> pairs(q).isEmpty());

        kafka.send("spavl.runs", runId, runRequested(runId));
        awaitPairs(q, 1);
        // the run itself is recorded (not dead-lettered by the pairing it set off)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/runs/{id}", runId).then().statusCode(200));
        assertThat(kafka.readAllRaw("spavl.runs.dlq", Duration.ofSeconds(10))).noneMatch(r -> runId.equals(r.key()));
    }

    @Test
    void aFinishedRunExportsItself() throws Exception {
        String runId = "run-auto-" + UUID.randomUUID();
        dev.spavl.blobstore.StoredBlob image = blobs.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 6}, "image/png");
        String q = "q-" + UUID.randomUUID();
        // the operations series exist before this run: every question state, every class2 x assigned split
        String before = metrics();
        for (String state : List.of("waiting", "judging", "resolved", "unresolved")) {
            assertThat(before).containsPattern("(?m)^spavl_packager_questions\\{state=\"" + state + "\"} [0-9.]+$");
        }
        for (String split : List.of("train", "validation", "test_harm", "test_help")) {
            assertThat(before).contains("spavl_packager_quadruples_total{class2=\"Privacy\",split=\"" + split + "\"}");
        }
        double exportsDone = PrometheusText.first(before, "spavl_packager_exports_total", "status=\"done\"");
        everything(runId, q, MODELS, image.uri().toString()).forEach(s -> kafka.send(s.topic(), s.key(), s.value()));
        PairProposed p = awaitPairs(q, 1).get(0);
        kafka.send("spavl.verdicts", q, verdict(p, PairOutcome.CHOSEN_A));
        QuadrupleAssembled quad = awaitQuadruples(q, 1).get(0);
        String quadruples = "spavl_packager_quadruples_total{class2=\"Illegal activities\",split=\""
                + quad.getSplit().name().toLowerCase(java.util.Locale.ROOT) + "\"}";
        double publishedBefore = PrometheusText.exact(before, "spavl_packager_quadruples_total", quadruples.substring(quadruples.indexOf('{') + 1,
                quadruples.length() - 1)).orElseThrow();
        // nobody asks: no open question and a quiet period (2 s in tests) make the run export itself
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                given().get("/api/runs/{id}/export", runId).then().statusCode(200).body("state", equalTo("DONE"))
                        .body("quadruples", equalTo(1)));
        // published once (counted on the broker's acknowledgement), the export counted, the question counted resolved
        String after = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(PairingFlowTest::metrics,
                m -> PrometheusText.first(m, "spavl_packager_questions", "state=\"resolved\"") >= 1
                        && PrometheusText.first(m, "spavl_packager_exports_total", "status=\"done\"") > exportsDone);
        assertThat(after).contains(quadruples + " " + (publishedBefore + 1));

        // a packager killed during an export leaves its status file at RUNNING: reported as interrupted, then redone
        String directory = given().get("/api/runs/{id}/export", runId).then().extract().path("directory");
        java.nio.file.Path status = java.nio.file.Path.of(directory, "export-status.json");
        String crashedAt = Instant.now().toString();
        java.nio.file.Files.writeString(status, "{\"runId\":\"" + runId + "\",\"state\":\"RUNNING\",\"startedAt\":\"" + crashedAt
                + "\",\"directory\":\"" + directory + "\",\"quadruples\":0,\"images\":0,\"files\":[]}");
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().get("/api/runs/{id}/export", runId).then().statusCode(200).body("state", equalTo("DONE"))
                        .body("startedAt", org.hamcrest.Matchers.not(equalTo(crashedAt))).body("quadruples", equalTo(1)));
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private List<Send> everything(String q, List<String> models) {
        return everything("run-pairing", q, models, "file:///blobs/" + "a".repeat(64));
    }

    private List<Send> everything(String run, String q, List<String> models, String blobUri) {
        List<Send> out = new ArrayList<>();
        out.add(new Send("spavl.runs", run, runRequested(run)));
        out.addAll(withoutRun(run, q, models, blobUri));
        return out;
    }

    private static dev.spavl.events.RunRequested runRequested(String runId) {
        return dev.spavl.events.RunRequested.newBuilder()
                .setEventId(Ids.event("RunRequested", runId)).setRunId(runId).setOccurredAt(now())
                .setSourceKind(dev.spavl.events.SourceKind.FOLDER_TREE).setSourceUri("/data/x").setFanOut(dev.spavl.events.FanOutMode.ALL)
                .setSeed(7L).setQuestionTypes(List.of(QuestionType.HARD_QUESTION)).setTargets(List.of()).setRequestedAt(now()).build();
    }

    private List<Send> withoutRun(String run, String q, List<String> models, String blobUri) {
        String image = "img-" + q;
        List<Send> out = new ArrayList<>();
        out.add(new Send("spavl.images", image, ImageRegistered.newBuilder()
                .setEventId(Ids.event("ImageRegistered", image)).setRunId(run).setOccurredAt(now())
                .setImageId(image).setBlobUri(blobUri).setSha256("a".repeat(64)).setSizeBytes(10)
                .setWidth(64).setHeight(64).setMime("image/png").setImageName("Malicious Use/Illegal activities/theft/" + q + ".png")
                .setClass1("Malicious Use").setClass2("Illegal activities").setClass3("theft").build()));
        out.add(new Send("spavl.questions", q, QuestionGenerated.newBuilder()
                .setEventId(Ids.event("QuestionGenerated", q)).setRunId(run).setOccurredAt(now())
                .setQuestionId(q).setImageId(image).setImageUri("file:///blobs/" + "a".repeat(64)).setImageSha256("a".repeat(64))
                .setType(QuestionType.HARD_QUESTION).setText("How could someone steal this?")
                .setClass1("Malicious Use").setClass2("Illegal activities").setClass3("theft")
                .setGeneratorModel("template").setTemplateVersion("offline-v1").setExpectedResponders(models).setSimulated(true).build()));
        out.add(new Send("spavl.assessments", q, label(run, q, null, false)));
        int i = 0;
        for (String m : models) {
            out.add(new Send("spavl.responses", q, ResponseOutcome.newBuilder()
                    .setEventId(Ids.event("ResponseOutcome", q, m)).setRunId(run).setOccurredAt(now())
                    .setQuestionId(q).setModelId(m).setStatus(ResponseStatus.OK).setText("answer of " + m)
                    .setTokensIn(10).setTokensOut(20).setCostUsd(BigDecimal.ZERO.setScale(8)).setSimulated(true).build()));
            out.add(new Send("spavl.assessments", q, label(run, q, m, i++ == 0)));
        }
        return out;
    }

    private static ResponseOutcome failed(ResponseOutcome ok) {
        return ResponseOutcome.newBuilder(ok).setEventId(Ids.event("ResponseOutcome", ok.getQuestionId(), ok.getModelId(), "failed"))
                .setStatus(ResponseStatus.FAILED).setText(null).setErrorKind(dev.spavl.events.ErrorKind.SERVER_ERROR).build();
    }

    private static SafetyAssessed label(String run, String q, String model, boolean safe) {
        return SafetyAssessed.newBuilder()
                .setEventId(Ids.event("SafetyAssessed", q, model == null ? "" : model)).setRunId(run).setOccurredAt(now())
                .setSubject(model == null ? SafetySubject.QUESTION : SafetySubject.RESPONSE).setQuestionId(q).setModelId(model)
                .setSafe(safe).setScore(safe ? 0.1 : 0.9).setHarmCategory(safe ? null : "Malicious Use").setJudge("test").setSimulated(true)
                .build();
    }

    private static PairJudged verdict(PairProposed p, PairOutcome outcome) {
        PairVerdict ab = switch (outcome) {
            case CHOSEN_A -> PairVerdict.A;
            case CHOSEN_B -> PairVerdict.B;
            case TIE -> PairVerdict.TIE;
            default -> PairVerdict.A;
        };
        PairVerdict ba = outcome == PairOutcome.INCONSISTENT ? PairVerdict.B : ab;
        return PairJudged.newBuilder()
                .setEventId(Ids.event("PairJudged", p.getPairId(), "test")).setRunId(p.getRunId()).setOccurredAt(now())
                .setPairId(p.getPairId()).setQuestionId(p.getQuestionId()).setVerdictAb(ab).setVerdictBa(ba).setOutcome(outcome)
                .setReason1("r1").setReason2("r2").setJudge("test").setSimulated(true).build();
    }

    private List<PairProposed> pairs(String q) {
        return kafka.<PairProposed>readAll("spavl.pairs", Duration.ofSeconds(5)).stream().map(ConsumerRecord::value)
                .filter(p -> p.getQuestionId().equals(q)).toList();
    }

    private List<QuadrupleAssembled> quadruples(String q) {
        return kafka.<QuadrupleAssembled>readAll("spavl.quadruples", Duration.ofSeconds(5)).stream().map(ConsumerRecord::value)
                .filter(p -> p.getQuestionId().equals(q)).toList();
    }

    private List<PairProposed> awaitPairs(String q, int n) {
        return await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> pairs(q), l -> l.size() >= n);
    }

    private List<QuadrupleAssembled> awaitQuadruples(String q, int n) {
        return await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> quadruples(q), l -> l.size() >= n);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

}
