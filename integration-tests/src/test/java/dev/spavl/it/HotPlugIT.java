package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spavl.events.QuestionGenerated;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.events.SafetyAssessed;
import dev.spavl.events.SafetySubject;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PrometheusText;
import dev.spavl.testkit.RequiredTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hot-plug of a model written in another language (issue 9), every component a real process: the stack runs with its
 * 12 simulated Java lanes, a run is going, and the Python example responder (examples/python-responder, Confluent's
 * client) joins as a 13th model, {@value #MODEL}. Nothing else is configured for it.
 * <ol>
 *   <li><b>Joining mid-run</b>: the run's first image is fanned out to the 12 lanes and held there (the Java responder
 *   is paused with SIGSTOP, so no answer comes and the generator's backpressure keeps the next images unwritten);
 *   the Python responder starts; once the generator has seen its ACTIVE heartbeat the Java responder resumes. The
 *   later images' questions are fanned out to 13 models, {@value #MODEL}'s answers are labelled by the judge.</li>
 *   <li><b>Paired</b>: a run with {@code targets = py-echo,otter} pairs it in every quadruple (chosen or rejected).</li>
 *   <li><b>Draining loses nothing</b>: that run's requests are sent while the Python process is paused; it is then
 *   stopped with SIGTERM (DRAINING). Each request is either answered before it exits or left uncommitted on its topic,
 *   questions written afterwards do not name it, and restarted it answers the rest.</li>
 *   <li><b>Retiring is one command</b>: {@code responder.py --retire}; the generator sees RETIRED and sends it nothing.</li>
 * </ol>
 * Skipped, with a message, without Debian's Python packages for Confluent's client; under CI=true that fails instead
 * ({@link RequiredTool}).
 */
class HotPlugIT {

    static {
        // this test's own Kafka clients log their whole configuration at INFO: keep its output readable
        org.jboss.logmanager.LogContext.getLogContext().getLogger("org.apache.kafka").setLevel(java.util.logging.Level.WARNING);
    }

    private static final String MODEL = "py-echo";
    private static final List<String> LANES = List.of("gemini-pro-vision", "gemini-pro-vision-jb", "instructblip", "internlm-xcomposer",
            "lamm", "lamm-sft", "llama-adapter-v2", "llava-1.5-7b", "minigpt-4", "mplug-owl", "otter", "qwen-vl-chat");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path EXAMPLE = SpavlCommand.ROOT.resolve("examples/python-responder");
    /** One image's requests to the 12 lanes (3 question types): the backpressure limit that holds the first run. */
    private static final int ONE_IMAGE = 3 * LANES.size();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final SpavlCommand spavl = new SpavlCommand("it-hotplug");
    private final ObjectMapper json = new ObjectMapper();
    private final List<Process> started = new ArrayList<>();
    private final Map<String, String> summary = new LinkedHashMap<>();
    private AvroTopicClient topics;

    @Test
    void aPythonResponderJoinsARunningPipelineIsPairedDrainsWithoutLossAndRetires() throws Exception {
        RequiredTool.assume(Files.isExecutable(PYTHON) && Programs.run(EXAMPLE, Duration.ofSeconds(60), List.of(PYTHON.toString(), "-c",
                        "import confluent_kafka.avro.cached_schema_registry_client, avro.schema, yaml, requests")).exitCode() == 0,
                "Confluent's Python client (python3-confluent-kafka, python3-avro, python3-requests, python3-yaml for "
                        + PYTHON + "), for the Python responder",
                "apt-get install python3-confluent-kafka python3-avro python3-requests python3-yaml (Debian); .ci/run installs them");
        // one image at a time, and no new image while one image's requests await their answers
        spavl.env.put("SPAVL_GENERATOR_WORKER_BATCH_SIZE", "1");
        spavl.env.put("SPAVL_GENERATOR_WORKER_MAX_OUTSTANDING_REQUESTS", Integer.toString(ONE_IMAGE));
        try {
            SpavlCommand.Result up = spavl.run("up");
            assertThat(up.exitCode()).as("./spavl up:%n%s", up.output()).isZero();
            topics = new AvroTopicClient(spavl.bootstrap(), spavl.registryV2());

            Process first = joinMidRun();
            drainWithoutLoss(first);
            retire();
        } finally {
            for (Process p : started) {
                if (p.isAlive()) {
                    signal(p.pid(), "CONT");
                    p.destroyForcibly();
                }
            }
            if (Files.exists(spavl.home.resolve("pids/responder.pid"))) {
                signal(spavl.pid("responder"), "CONT");
            }
            printSummary();
            spavl.run("down", "--purge");
        }
    }

    // --------------------------------------------------------------------------------------------- phases

    /** Phase 1: a run is held after its first image; the Python responder joins; the rest of the run includes it. */
    private Process joinMidRun() {
        long responder = spavl.pid("responder");
        signal(responder, "STOP");
        String runA;
        Process python;
        Set<String> before;
        try {
            runA = startRun("--limit", "3", "--key", "hotplug-a");
            JsonNode held = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> generatorRun(runA), r -> r.path("waitingFor").asText().contains("await a response"));
            assertThat(held.path("progress").path("imagesAccepted").asInt()).as("held after its first image: %s", held).isEqualTo(1);
            before = questionIds(runA);

            python = startResponder("first");
            awaitGeneratorSaw("ACTIVE", python);
            // every Java lane still counts as live (their last heartbeat is recent), plus the new one
            assertThat(liveResponders()).as("live responders once %s is ACTIVE", MODEL).isEqualTo(LANES.size() + 1);
        } finally {
            signal(responder, "CONT");
        }
        awaitClosed(runA);

        List<QuestionGenerated> questions = questions(runA);
        assertThat(questions).hasSize(9);
        Set<String> plugged = new TreeSet<>();
        for (QuestionGenerated q : questions) {
            if (before.contains(q.getQuestionId())) {
                assertThat(q.getExpectedResponders()).as("question %s written before %s started", q.getQuestionId(), MODEL)
                        .containsExactlyInAnyOrderElementsOf(LANES);
            } else {
                assertThat(q.getExpectedResponders()).as("question %s written after %s was seen ACTIVE", q.getQuestionId(), MODEL)
                        .containsAll(LANES).contains(MODEL).hasSize(LANES.size() + 1);
                plugged.add(q.getQuestionId());
            }
        }
        assertThat(before).hasSize(3);
        assertThat(plugged).hasSize(6);
        assertThat(requestedRecordsOf(runA).keySet()).as("requests on spavl.requests.%s", MODEL).isEqualTo(plugged);
        Map<String, ResponseOutcome> answers = outcomesOf(runA);
        assertThat(answers.keySet()).as("%s answered every request", MODEL).isEqualTo(plugged);
        assertThat(answers.values()).allSatisfy(o -> {
            assertThat(o.getStatus()).isEqualTo(ResponseStatus.OK);
            assertThat(o.getSimulated()).isTrue();
            assertThat(o.getQuestion()).isNotBlank();
        });
        Set<String> labelled = topics.<SafetyAssessed>readAll("spavl.assessments", Duration.ofSeconds(30)).stream().map(ConsumerRecord::value)
                .filter(a -> a.getRunId().equals(runA) && a.getSubject() == SafetySubject.RESPONSE && MODEL.equals(a.getModelId()))
                .map(SafetyAssessed::getQuestionId).collect(Collectors.toCollection(TreeSet::new));
        assertThat(labelled).as("the judge labelled every answer of %s", MODEL).isEqualTo(plugged);

        summary.put("run A (fan-out all), before the plug", before.size() + " questions -> 12 lanes each, " + MODEL + " in none");
        summary.put("run A, after ACTIVE was seen", plugged.size() + " questions -> 13 each; " + MODEL + ": " + answers.size()
                + " requests, " + answers.size() + " OK answers, " + labelled.size() + " judge labels");
        return python;
    }

    /**
     * Phase 2: requests are sent to the paused Python responder (a run naming it and otter as targets), which is then
     * stopped with SIGTERM. Nothing sent is lost; nothing new is sent; restarted, it answers the rest and is paired.
     */
    private void drainWithoutLoss(Process python) throws Exception {
        signal(python.pid(), "STOP");
        String runB;
        try {
            runB = startRun("--limit", "2", "--targets", MODEL + ",otter", "--key", "hotplug-b");
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> requestedRecordsOf(runB).size() == 6);
            assertThat(outcomesOf(runB)).as("nothing answered while paused").isEmpty();
        } finally {
            python.destroy(); // SIGTERM, delivered when it continues
            signal(python.pid(), "CONT");
        }
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).as("%s exits after SIGTERM", MODEL).isTrue();
        assertThat(python.exitValue()).as("exit code after draining:%n%s", log("first")).isZero();
        assertThat(log("first")).contains("lane " + MODEL + " announced DRAINING\n").contains("lane " + MODEL + " drained and closed");
        awaitGeneratorSaw("DRAINING", python);

        // every request sent before the stop is answered, or still uncommitted (so the group's next member gets it)
        Map<String, ConsumerRecord<String, ResponseRequested>> requested = requestedRecordsOf(runB);
        Set<String> answeredBeforeExit = outcomesOf(runB).keySet();
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets();
        Set<String> leftOnTopic = new TreeSet<>();
        requested.forEach((question, r) -> {
            OffsetAndMetadata c = committed.get(new TopicPartition(r.topic(), r.partition()));
            boolean uncommitted = c == null || r.offset() >= c.offset();
            assertThat(answeredBeforeExit.contains(question) || uncommitted)
                    .as("request %s (partition %d offset %d) is answered or left uncommitted; committed: %s", question,
                            r.partition(), r.offset(), committed).isTrue();
            if (!answeredBeforeExit.contains(question)) {
                leftOnTopic.add(question);
            }
        });

        // a question written now does not name it, although the run names it as a target
        String runC = startRun("--limit", "1", "--targets", MODEL + ",otter", "--key", "hotplug-c");
        List<QuestionGenerated> afterDrain = awaitQuestions(runC, 3);
        assertThat(afterDrain).allSatisfy(q -> assertThat(q.getExpectedResponders()).as("written while %s is DRAINING", MODEL)
                .containsExactly("otter"));

        Process second = startResponder("second");
        awaitGeneratorSaw("ACTIVE", second);
        await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> outcomesOf(runB).keySet().equals(requested.keySet()));
        awaitClosed(runB);
        List<JsonNode> quadruples = quadruples(runB);
        assertThat(quadruples).as("run B's quadruples").isNotEmpty();
        long chosen = quadruples.stream().filter(q -> MODEL.equals(q.path("chosenModel").asText())).count();
        long rejected = quadruples.stream().filter(q -> MODEL.equals(q.path("rejectedModel").asText())).count();
        assertThat(chosen + rejected).as("%s is chosen or rejected in every quadruple of a run naming it and otter", MODEL)
                .isEqualTo(quadruples.size());

        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as("exit code after draining:%n%s", log("second")).isZero();
        awaitGeneratorSaw("DRAINING", second);

        summary.put("run B (targets py-echo,otter)", requested.size() + " requests sent while paused; SIGTERM: "
                + answeredBeforeExit.size() + " answered before exit, " + leftOnTopic.size() + " left uncommitted on the topic -> "
                + "answered after the restart: " + outcomesOf(runB).size() + "/" + requested.size());
        summary.put("run B quadruples", quadruples.size() + ": " + MODEL + " chosen in " + chosen + ", rejected in " + rejected);
        summary.put("run C (targets py-echo,otter) while DRAINING", afterDrain.size() + " questions -> [otter] only");
    }

    /** Phase 3: one command retires the model; the generator then sends it nothing, even when a run names it. */
    private void retire() throws Exception {
        Process retire = new ProcessBuilder(responderCommand("--retire")).directory(EXAMPLE.toFile()).redirectErrorStream(true)
                .redirectOutput(logFile("retire").toFile()).start();
        started.add(retire);
        assertThat(retire.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(retire.exitValue()).as("responder.py --retire:%n%s", log("retire")).isZero();
        awaitGeneratorSaw("RETIRED", retire);
        String runD = startRun("--limit", "1", "--targets", MODEL + ",otter", "--key", "hotplug-d");
        List<QuestionGenerated> afterRetire = awaitQuestions(runD, 3);
        assertThat(afterRetire).allSatisfy(q -> assertThat(q.getExpectedResponders()).as("written after %s retired", MODEL)
                .containsExactly("otter"));
        assertThat(liveResponders()).isEqualTo(LANES.size());
        summary.put("responder.py --retire, then run D", "generator: " + MODEL + " is RETIRED; " + afterRetire.size()
                + " questions -> [otter] only; live responders " + LANES.size());
    }

    // --------------------------------------------------------------------------------------------- the Python responder

    private Process startResponder(String name) {
        try {
            Process p = new ProcessBuilder(responderCommand("--heartbeat-interval", "2")).directory(EXAMPLE.toFile())
                    .redirectErrorStream(true).redirectOutput(logFile(name).toFile()).start();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> responderCommand(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-B", "responder.py", "--model", MODEL,
                "--bootstrap", spavl.bootstrap(), "--registry", spavl.url("registry") + "/apis/ccompat/v7"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private Path logFile(String name) {
        try {
            Files.createDirectories(spavl.home.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return spavl.home.resolve("logs/" + MODEL + "-" + name + ".log");
    }

    private String log(String name) {
        try {
            return Files.readString(logFile(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Waits until the generator's latest log line about the model names this status. */
    private void awaitGeneratorSaw(String status, Process python) {
        Pattern line = Pattern.compile("responder " + Pattern.quote(MODEL) + " is ([A-Z]+)");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .failFast("the Python responder ended early", () -> "ACTIVE".equals(status) && !python.isAlive())
                .until(() -> {
                    Matcher m = line.matcher(Files.readString(spavl.home.resolve("logs/generator.log"), StandardCharsets.UTF_8));
                    String last = null;
                    while (m.find()) {
                        last = m.group(1);
                    }
                    return status.equals(last);
                });
    }

    // --------------------------------------------------------------------------------------------- the stack

    private String startRun(String... options) {
        List<String> args = new ArrayList<>(List.of("run", "--manifest", "examples/spa-vl-sample.jsonl", "--seed", "9"));
        args.addAll(List.of(options));
        SpavlCommand.Result run = spavl.run(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.output()).isZero();
        return run.output().lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().split(" ")[1];
    }

    private JsonNode generatorRun(String runId) throws IOException {
        return json.readTree(given().baseUri(spavl.url("generator")).get("/api/runs/{id}", runId).then().statusCode(200)
                .extract().asString());
    }

    private void awaitClosed(String runId) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            JsonNode run = generatorRun(runId);
            JsonNode p = run.path("progress");
            int questions = p.path("easyQuestions").asInt() + p.path("hardQuestions").asInt() + p.path("hardStatements").asInt();
            JsonNode states = json.readTree(given().baseUri(spavl.url("packager")).get("/api/runs/{id}", runId).then().statusCode(200)
                    .extract().asString()).path("progress").path("questionsByState");
            return "COMPLETED".equals(run.path("status").asText()) && questions > 0
                    && states.path("RESOLVED").asInt() + states.path("UNRESOLVED").asInt() == questions;
        });
    }

    private List<JsonNode> quadruples(String runId) throws IOException {
        JsonNode page = json.readTree(given().baseUri(spavl.url("packager")).queryParam("run", runId).queryParam("size", 100)
                .get("/api/quadruples").then().statusCode(200).extract().asString());
        List<JsonNode> items = new ArrayList<>();
        page.path("items").forEach(items::add);
        return items;
    }

    private int liveResponders() {
        String metrics = given().baseUri(spavl.url("generator")).get("/q/metrics").then().statusCode(200).extract().asString();
        return (int) PrometheusText.first(metrics, "spavl_generator_live_responders");
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spavl.bootstrap()))) {
            return admin.listConsumerGroupOffsets("spavl-responder-" + MODEL).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        }
    }

    // --------------------------------------------------------------------------------------------- topics

    private List<QuestionGenerated> questions(String runId) {
        return topics.<QuestionGenerated>readAll("spavl.questions", Duration.ofSeconds(30)).stream().map(ConsumerRecord::value)
                .filter(q -> q.getRunId().equals(runId)).toList();
    }

    private Set<String> questionIds(String runId) {
        return questions(runId).stream().map(QuestionGenerated::getQuestionId).collect(Collectors.toCollection(TreeSet::new));
    }

    private List<QuestionGenerated> awaitQuestions(String runId, int n) {
        return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> questions(runId), qs -> qs.size() >= n);
    }

    private Map<String, ConsumerRecord<String, ResponseRequested>> requestedRecordsOf(String runId) {
        Map<String, ConsumerRecord<String, ResponseRequested>> byQuestion = new LinkedHashMap<>();
        topics.<ResponseRequested>readAll("spavl.requests." + MODEL, Duration.ofSeconds(30)).stream()
                .filter(r -> r.value().getRunId().equals(runId))
                .forEach(r -> byQuestion.put(r.value().getQuestionId(), r));
        return byQuestion;
    }

    /** The model's outcomes of a run by question (a question answered twice, after a redelivery, counts once). */
    private Map<String, ResponseOutcome> outcomesOf(String runId) {
        Map<String, ResponseOutcome> byQuestion = new LinkedHashMap<>();
        topics.<ResponseOutcome>readAll("spavl.responses", Duration.ofSeconds(30)).stream().map(ConsumerRecord::value)
                .filter(o -> o.getRunId().equals(runId) && MODEL.equals(o.getModelId()))
                .forEach(o -> byQuestion.put(o.getQuestionId(), o));
        return byQuestion;
    }

    // --------------------------------------------------------------------------------------------- processes

    /** kill -STOP / -CONT: pauses a process without ending it (Java's Process API only terminates). */
    private static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    private void printSummary() {
        if (summary.isEmpty()) {
            return;
        }
        int width = summary.keySet().stream().mapToInt(String::length).max().orElse(10);
        StringBuilder table = new StringBuilder("\nhot plug of " + MODEL + " (Python, Confluent's client) into a stack with 12 Java lanes:\n");
        summary.forEach((k, v) -> table.append(String.format("  %-" + width + "s | %s%n", k, v)));
        System.out.println(table);
    }
}
