package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spavl.testkit.RequiredTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The whole local stack as real processes, driven through {@code ./spavl}: a Kafka broker JVM,
 * the registry JVM, the machine's PostgreSQL and the four service JVMs. In order: up, status,
 * no twins, clear port conflicts, the smoke flow, an independent Python reader, and down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

    /** Sample images the demo takes through the stack: one from each of the first 6 harm categories. */
    private static final int IMAGES = 6;
    /** Of those, the manifest pins the 4th to validation, the 5th to test-harm and the 6th to test-help. */
    private static final int TRAIN_IMAGES = 3;
    private static final List<String> COMPONENTS = List.of("kafka", "registry", "generator", "responder", "judge", "packager");
    private final SpavlCommand spavl = new SpavlCommand("it-stack");
    private final ObjectMapper json = new ObjectMapper();
    private List<Long> pidsAfterUp = List.of();
    private String runId;

    /** The paper's 12 responders, as the catalog names them. */
    private static final List<String> MODELS = SpavlCommand.PAPER_MODELS;

    @BeforeAll
    void up() {
        // every simulated model fails 20% of its calls with HTTP 500 (fault injection through the environment):
        // the run below must complete all the same
        for (String model : MODELS) {
            String env = "SPAVL_MODELS_" + model.toUpperCase().replaceAll("[^A-Z0-9]", "_");
            spavl.env.put(env + "_PERSONA_FAULTS_RATE_500", "0.2");
            // a request that fails all its in-process attempts (0.2^5) waits on the retry topic: 5 s here, not 60 s
            spavl.env.put(env + "_RETRY_REDELIVERY_DELAY", "5s");
        }
        SpavlCommand.Result up = spavl.run("up");
        assertThat(up.exitCode()).as("./spavl up output:%n%s", up.output()).isZero();
        pidsAfterUp = spavl.recordedPids();
    }

    @AfterAll
    void purge() {
        // whatever happened above: leave no process, no state directory and no database behind
        spavl.run("down", "--purge");
    }

    @Test
    @Order(1)
    void upBringsEveryComponentToHealthyAndStatusJsonSaysSo() throws IOException {
        SpavlCommand.Result status = spavl.run("status", "--json");
        assertThat(status.exitCode()).as(status.output()).isZero();
        JsonNode root = json.readTree(status.output());
        assertThat(root.path("healthy").asBoolean()).isTrue();
        List<String> names = new ArrayList<>();
        for (JsonNode c : root.path("components")) {
            names.add(c.path("name").asText());
            assertThat(c.path("healthy").asBoolean()).as("%s healthy", c.path("name").asText()).isTrue();
            assertThat(c.path("pid").asLong()).isPositive();
        }
        assertThat(names).containsExactlyElementsOf(COMPONENTS);
        assertThat(root.path("postgres").path("healthy").asBoolean()).isTrue();
        assertThat(pidsAfterUp).hasSize(COMPONENTS.size());
    }

    @Test
    @Order(2)
    void secondUpStartsNoTwins() {
        SpavlCommand.Result again = spavl.run("up");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("kafka already running", "packager already running");
        assertThat(spavl.recordedPids()).containsExactlyInAnyOrderElementsOf(pidsAfterUp);
    }

    @Test
    @Order(3)
    void aPortTakenBySomethingElseGivesAClearError() throws IOException {
        SpavlCommand other = new SpavlCommand("it-conflict");
        try (ServerSocket squatter = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            other.env.put("SPAVL_KAFKA_PORT", Integer.toString(squatter.getLocalPort()));
            SpavlCommand.Result up = other.run("up");
            assertThat(up.exitCode()).isNotZero();
            assertThat(up.output()).contains("port " + squatter.getLocalPort() + ", needed by kafka, is taken by another process")
                    .contains("SPAVL_KAFKA_PORT");
            assertThat(other.recordedPids()).as("nothing was started").isEmpty();
        } finally {
            other.run("down", "--purge");
        }
    }

    @Test
    @Order(3)
    void twoComponentsGivenOnePortGiveAClearErrorBeforeAnythingStarts() {
        SpavlCommand other = new SpavlCommand("it-same-port");
        try {
            other.env.put("SPAVL_JUDGE_PORT", other.env.get("SPAVL_PACKAGER_PORT"));
            SpavlCommand.Result up = other.run("up");
            assertThat(up.exitCode()).isNotZero();
            assertThat(up.output()).contains("SPAVL_PACKAGER_PORT and SPAVL_JUDGE_PORT are both " + other.port("packager")
                    + ": each component needs a port of its own");
            assertThat(other.home).as("nothing was created").doesNotExist();
        } finally {
            other.run("down", "--purge");
        }
    }

    @Test
    @Order(4)
    void smokeFlowGeneratorToPackagerThroughKafkaAndPostgres() {
        runId = given().baseUri(spavl.url("generator")).contentType("application/json")
                .body("{\"source\":\"/data/spa-vl/train\",\"fanOut\":\"sample:3\",\"seed\":2406}")
                .post("/api/runs")
                .then().statusCode(202).extract().path("runId");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().baseUri(spavl.url("packager")).get("/api/runs/{id}", runId)
                        .then().statusCode(200)
                        .body("runId", equalTo(runId))
                        .body("fanOut", equalTo("SAMPLE"))
                        .body("sampleSize", equalTo(3))
                        .body("seed", equalTo(2406)));
    }

    @Test
    @Order(5)
    void confluentsPythonClientReadsTheEventJavaWrote() throws Exception {
        Assumptions.assumeTrue(runId != null, "the smoke flow did not produce a run");
        Path script = SpavlCommand.ROOT.resolve("integration-tests/src/test/python/read_avro_topic.py");
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c",
                "import confluent_kafka.avro.serializer.message_serializer, confluent_kafka.avro.cached_schema_registry_client")
                .redirectErrorStream(true).start();
        boolean available = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        RequiredTool.assume(available, "Confluent's Python client (python3-confluent-kafka, for the independent-reader check)",
                "apt-get install python3-confluent-kafka python3-avro python3-requests (Debian, for /usr/bin/python3); "
                        + ".ci/run installs them");

        Process reader = new ProcessBuilder("/usr/bin/python3", script.toString(),
                spavl.bootstrap(),
                "http://127.0.0.1:" + spavl.port("registry") + "/apis/ccompat/v7",
                "spavl.runs", "1", "30")
                .redirectErrorStream(true).start();
        assertThat(reader.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(reader.exitValue()).as(out).isZero();

        JsonNode record = json.readTree(out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertThat(record.path("magic").asInt()).as("Confluent wire format magic byte").isZero();
        assertThat(record.path("schema_id").asInt()).isPositive();
        assertThat(record.path("key").asText()).isEqualTo(runId);
        JsonNode value = record.path("value");
        assertThat(value.path("run_id").asText()).isEqualTo(runId);
        assertThat(value.path("fan_out").asText()).isEqualTo("SAMPLE");
        assertThat(value.path("sample_size").asInt()).isEqualTo(3);
        assertThat(value.path("question_types").size()).isEqualTo(3);
    }

    @Test
    @Order(6)
    void demoTakesSampleImagesThroughEveryServiceToAnExportedDatasetDespiteModelFaults() throws Exception {
        java.nio.file.Path out = spavl.home.resolve("demo-out");
        SpavlCommand.Result demo = spavl.run("demo", "--images", Integer.toString(IMAGES), "--out", out.toString());
        assertThat(demo.exitCode()).as(demo.output()).isZero();
        assertThat(demo.output()).as("progress, Table 1 and where the files are")
                .containsPattern("\\[#{20}] 100%  images " + IMAGES + "/" + IMAGES + "  questions " + IMAGES * 3
                        + "  answers " + IMAGES * 3 * 12 + "/" + IMAGES * 3 * 12 + "  pairs [0-9]+  quadruples [0-9]+")
                .contains("## Table 1 (training split)", "| **total** |  | **" + TRAIN_IMAGES + "** |", "dataset: " + out.toRealPath(),
                        "the stack is still running");
        String runId = demo.output().lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().split(" ")[1];

        JsonNode generator = json.readTree(given().baseUri(spavl.url("generator")).get("/api/runs/{id}", runId).then()
                .statusCode(200).extract().asString());
        JsonNode progress = generator.path("progress");
        assertThat(generator.path("status").asText()).isEqualTo("COMPLETED");
        // the first IMAGES rows of the round-robin manifest: one image of each of IMAGES harm categories
        assertThat(progress.path("imagesAccepted").asInt()).isEqualTo(IMAGES);
        assertThat(progress.path("imagesRejected").asInt()).isZero();
        // IMAGES images x 3 question types x the 12 lanes the responder announces, every one answered
        assertThat(progress.path("requestsDispatched").asInt()).isEqualTo(IMAGES * 3 * 12);
        assertThat(progress.path("responsesReceived").asInt()).isEqualTo(IMAGES * 3 * 12);

        String metrics = given().baseUri(spavl.url("responder")).get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).as("the injected faults happened and were retried")
                .containsPattern("spavl_responder_model_errors_total\\{kind=\"server_error\",model=\"[a-z0-9.-]+\"} [1-9]");

        // the demo waited until no question was open
        JsonNode done = json.readTree(given().baseUri(spavl.url("packager")).get("/api/runs/{id}", runId).then().statusCode(200)
                .extract().asString()).path("progress");
        JsonNode states = done.path("questionsByState");
        assertThat(states.path("WAITING").asInt() + states.path("JUDGING").asInt()).isZero();
        assertThat(states.path("RESOLVED").asInt() + states.path("UNRESOLVED").asInt()).isEqualTo(IMAGES * 3);
        assertThat(done.path("quadruplesByClass2").size()).as("quadruples from every harm category of the sample")
                .isGreaterThan(IMAGES / 2);
        int resolved = done.path("questionsByState").path("RESOLVED").asInt();
        assertThat(resolved).as("most questions end in a quadruple").isGreaterThan(IMAGES * 3 / 2);
        int quadruples = 0;
        for (JsonNode n : done.path("quadruplesBySplit")) {
            quadruples += n.asInt();
        }
        assertThat(quadruples).as("one quadruple per resolved question").isEqualTo(resolved);
        JsonNode page = json.readTree(given().baseUri(spavl.url("packager")).queryParam("run", runId).queryParam("size", 500)
                .get("/api/quadruples").then().statusCode(200).extract().asString()).path("items");
        java.util.Set<String> questions = new java.util.HashSet<>();
        page.forEach(q -> assertThat(questions.add(q.path("questionId").asText())).as("question once").isTrue());
        assertThat(questions).hasSize(resolved);

        // the export, copied to --out: the training JSON holds every quadruple of the training split, each image file
        // present; SPA-VL's Parquet configs hold the train and validation quadruples, images embedded (the Python
        // checks below load every config with datasets)
        JsonNode export = json.readTree(given().baseUri(spavl.url("packager")).get("/api/runs/{id}/export", runId).then()
                .statusCode(200).body("state", equalTo("DONE")).extract().asString());
        java.nio.file.Path dir = out;
        int records = 0;
        for (JsonNode file : export.path("files")) {
            if (file.asText().matches("training/(easy|hardq|hards)\\.json")) {
                for (JsonNode r : json.readTree(dir.resolve(file.asText()).toFile())) {
                    assertThat(dir.resolve("training/images").resolve(r.path("image").asText())).isRegularFile();
                    records++;
                }
            }
        }
        int train = done.path("quadruplesBySplit").path("TRAIN").asInt();
        int validation = done.path("quadruplesBySplit").path("VALIDATION").asInt();
        assertThat(records).isEqualTo(train).isPositive();
        long parquetRows = 0;
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:"); java.sql.Statement st = duck.createStatement()) {
            for (JsonNode file : export.path("files")) {
                if (file.asText().matches("(data/train|validation/validation)-\\d{5}\\.parquet")) {
                    try (java.sql.ResultSet rs = st.executeQuery("select count(*), min(octet_length(image.bytes)) from read_parquet('"
                            + dir.resolve(file.asText()).toString().replace("'", "''") + "')")) {
                        rs.next();
                        assertThat(rs.getLong(2)).as("every row embeds its image").isPositive();
                        parquetRows += rs.getLong(1);
                    }
                }
            }
        }
        assertThat(parquetRows).as("the Parquet files hold every train and validation quadruple").isEqualTo(train + validation);
        assertThat(java.nio.file.Files.readString(dir.resolve("README.md"))).contains("Table 1").contains("Simulated data");
    }

    // ---- the exported dataset, read with the libraries its users load it with (integration-tests/src/test/python) ----

    @Test
    @Order(7)
    void everyConfigOfTheDemoExportLoadsWithDatasetsAsItsCardDeclares() throws Exception {
        JsonNode report = python("check_export.py", demoExport().toString());
        JsonNode configs = report.path("configs");
        assertThat(configs.path("default").path("train").asInt()).isPositive();
        assertThat(configs.path("validation").path("validation").asInt()).as("the pinned validation image's quadruples").isPositive();
        // the held-out test-harm image's hard question and hard statement, the test-help image's easy question
        assertThat(configs.path("test").path("harm").asInt()).isEqualTo(2);
        assertThat(configs.path("test").path("help").asInt()).isEqualTo(1);
        assertThat(configs.path("dpo").path("train").asInt()).isEqualTo(configs.path("default").path("train").asInt());
        assertThat(report.path("held_out_images").asInt()).isEqualTo(2);
    }

    @Test
    @Order(7)
    void theTrainingFolderReadsAsSpaVlsTrainingCodeReadsIt() throws Exception {
        JsonNode report = python("read_spavl_training.py", demoExport().toString());
        JsonNode status = json.readTree(demoExport().resolve("export-status.json").toFile());
        assertThat(report.path("keywords").toString()).isEqualTo("[\"easy\",\"hardd\",\"hardq\"]");
        int train = 0;
        for (String type : List.of("easy", "hardq", "hards")) {
            train += json.readTree(demoExport().resolve("training/" + type + ".json").toFile()).size();
        }
        assertThat(report.path("records").asInt()).as("one record per training quadruple").isEqualTo(train);
        assertThat(report.path("ids").toString()).isEqualTo("[0," + (train - 1) + "]");
        assertThat(status.path("files").toString()).as("export-status lists the images too").contains("training/images/");
    }

    @Test
    @Order(7)
    void trlTrainsTwoDpoStepsOnTheTextAndTheVisionForm() throws Exception {
        for (String mode : List.of("text", "vision")) {
            JsonNode report = python("train_dpo_smoke.py", demoExport().toString(), mode);
            assertThat(report.path("steps").asInt()).as(mode).isEqualTo(2);
            assertThat(report.path("losses").size()).as(mode).isEqualTo(2);
        }
    }

    private Path demoExport() {
        Path out = spavl.home.resolve("demo-out");
        assertThat(out.resolve("README.md")).as("the demo's export (the demo test above failed?)").isRegularFile();
        return out;
    }

    /** What importing the dataset libraries printed when it failed; empty when they import (probed once). */
    private String pythonProblem;

    /** Runs one of the Python checks with the PATH's python3 and returns the JSON it printed last. */
    private JsonNode python(String script, String... args) throws Exception {
        if (pythonProblem == null) {
            Process probe = new ProcessBuilder("python3", "-c", "import datasets, PIL, pyarrow, torch, transformers, trl, yaml")
                    .redirectErrorStream(true).start();
            String printed = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            pythonProblem = probe.waitFor(120, TimeUnit.SECONDS) && probe.exitValue() == 0 ? "" : printed + " ";
        }
        RequiredTool.assume(pythonProblem.isEmpty(), "python3 with datasets, pillow, pyarrow, torch (CPU), transformers and trl",
                "pip install --no-index --find-links <the machine's wheels> datasets pillow pyarrow torch transformers trl; "
                        + ".ci/run installs them", pythonProblem);
        List<String> command = new ArrayList<>(List.of("python3", SpavlCommand.ROOT.resolve("integration-tests/src/test/python")
                .resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HF_HOME", spavl.home.resolve("hf-home").toString());
        Path log = spavl.home.resolve(script + ".log");
        Process p = builder.redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = java.nio.file.Files.readString(log);
        assertThat(finished).as("%s finished within 10 minutes:%n%s", script, out).isTrue();
        assertThat(p.exitValue()).as("%s %s:%n%s", script, List.of(args), out).isZero();
        return json.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(() ->
                new AssertionError(script + " printed no JSON:\n" + out)));
    }

    @Test
    @Order(8)
    void logsCommandShowsAComponentsLog() {
        SpavlCommand.Result logs = spavl.run("logs", "packager");
        assertThat(logs.exitCode()).isZero();
        assertThat(logs.output()).contains("spavl-packager");
        assertThat(spavl.run("logs", "nope").output()).contains("unknown component 'nope'");
    }

    @Test
    @Order(9)
    void downStopsExactlyWhatUpStartedAndLeavesNoProcess() {
        SpavlCommand.Result down = spavl.run("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        for (long pid : pidsAfterUp) {
            assertThat(executing(pid)).as("pid %d still executing", pid).isFalse();
        }
        SpavlCommand.Result status = spavl.run("status", "--json");
        assertThat(status.exitCode()).isNotZero();
        assertThat(status.output()).contains("\"healthy\":false");
        for (String service : List.of("generator", "packager")) {
            assertThat(portOpen(spavl.port(service))).as("%s port closed", service).isFalse();
        }
    }

    /** Present and not a zombie: an exited process may wait as state Z until init reaps it. */
    private static boolean executing(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }

    private static boolean portOpen(int port) {
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
