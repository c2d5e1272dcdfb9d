package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PrometheusText;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash safety of the whole system, every component a real process: the same run (same idempotency key, so the
 * same run id, same seed, same images, same lanes) is made twice on fresh stacks, once undisturbed and once while
 * each service in turn is killed with SIGKILL and restarted, and the Kafka broker is restarted once. The two
 * datasets must be equal: the same quadruple ids with the same chosen and rejected answers, the same unresolved
 * questions, the same exported files; nothing duplicated, nothing lost. How many model calls were made twice
 * because of the crashes is reported.
 *
 * <p>The lanes are throttled (a rate limit per model) so that the run lasts long enough for every crash to hit
 * it in the middle; the throttle changes when answers come, never what they are.
 */
class CrashSafetyIT {

    private static final int IMAGES = 8;
    private static final int QUESTIONS = IMAGES * 3;
    private static final List<String> MODELS = SpavlCommand.PAPER_MODELS;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(8);

    private final ObjectMapper json = new ObjectMapper();

    /** What a run produced, as far as a dataset user can tell, plus how the run went. */
    record Outcome(String runId, Map<String, String> quadruples, Map<String, String> unresolved, Map<String, List<String>> exported,
                   int outcomesPublished, int distinctOutcomes, Map<String, Double> recovery) {
    }

    @Test
    void aRunDisturbedByCrashesGivesTheDatasetOfAnUndisturbedRun() {
        Outcome undisturbed = onFreshStack("it-crash-ref", false);
        Outcome disturbed = onFreshStack("it-crash", true);

        assertThat(disturbed.runId()).isEqualTo(undisturbed.runId());
        assertThat(undisturbed.quadruples()).as("the undisturbed run made quadruples").hasSizeGreaterThan(QUESTIONS / 2);
        assertThat(disturbed.quadruples()).as("same quadruple ids, same chosen and rejected answers")
                .containsExactlyInAnyOrderEntriesOf(undisturbed.quadruples());
        assertThat(disturbed.unresolved()).as("the same questions closed unresolved, for the same reasons")
                .containsExactlyInAnyOrderEntriesOf(undisturbed.unresolved());
        assertThat(disturbed.exported().keySet()).containsExactlyInAnyOrderElementsOf(undisturbed.exported().keySet());
        undisturbed.exported().forEach((file, lines) ->
                assertThat(disturbed.exported().get(file)).as("exported %s", file).containsExactlyElementsOf(lines));

        int repeated = disturbed.outcomesPublished() - disturbed.distinctOutcomes();
        // the responder started after the kill: how the requests it received again were handled
        System.out.printf("crash safety: requests the restarted responder got again after the kill: %.0f skipped (their answer "
                        + "was published before the crash), %.0f called (no answer found: never called, or called and lost "
                        + "with the process); republished requests not called again: %.0f%n",
                disturbed.recovery().getOrDefault("skipped", 0.0), disturbed.recovery().getOrDefault("called", 0.0),
                disturbed.recovery().getOrDefault("duplicate", 0.0));
        int unresolved = disturbed.unresolved().values().stream().mapToInt(Integer::parseInt).sum();
        System.out.printf("%ncrash safety: %d quadruples and %d unresolved questions, equal to the undisturbed run; "
                        + "model calls made twice because of the crashes: %d of %d (answers published twice; the undisturbed run: %d)%n%n",
                disturbed.quadruples().size(), unresolved, repeated, disturbed.distinctOutcomes(),
                undisturbed.outcomesPublished() - undisturbed.distinctOutcomes());
        assertThat(undisturbed.outcomesPublished()).as("undisturbed: every request answered once")
                .isEqualTo(undisturbed.distinctOutcomes()).isEqualTo(QUESTIONS * MODELS.size());
        assertThat(disturbed.distinctOutcomes()).as("disturbed: every request answered").isEqualTo(QUESTIONS * MODELS.size());
    }

    private Outcome onFreshStack(String name, boolean crash) {
        SpavlCommand spavl = new SpavlCommand(name);
        for (String model : MODELS) {
            // 40 calls a minute per lane: 24 questions take each lane about 36 s to answer
            spavl.env.put("SPAVL_MODELS_" + model.toUpperCase().replaceAll("[^A-Z0-9]", "_") + "_RATE_LIMIT_REQUESTS_PER_MINUTE", "40");
        }
        try {
            SpavlCommand.Result up = spavl.run("up");
            assertThat(up.exitCode()).as("./spavl up:%n%s", up.output()).isZero();
            // the same key gives the same run id on both stacks; named targets fan out to every lane even while
            // the responder is down for a moment
            SpavlCommand.Result run = spavl.run("run", "--manifest", "examples/spa-vl-sample.jsonl", "--limit", Integer.toString(IMAGES),
                    "--seed", "11", "--key", "crash-safety-it", "--targets", String.join(",", MODELS));
            assertThat(run.exitCode()).as(run.output()).isZero();
            String runId = run.output().lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().split(" ")[1];
            if (crash) {
                crashEachComponentDuring(spavl, runId);
            }
            awaitClosed(spavl, runId);
            return outcome(spavl, runId);
        } finally {
            spavl.run("down", "--purge");
        }
    }

    /** Kills each service with SIGKILL at a point where it has work in flight, restarts it, then restarts the broker. */
    private void crashEachComponentDuring(SpavlCommand spavl, String runId) {
        // spread over the run (288 answers come in over about 40 s of answering, plus the restarts):
        // the generator while it still reads, writes prompts and dispatches
        crashWhen(spavl, "generator", runId, p -> true);
        // the responder once answers are flowing, with most still to come
        crashWhen(spavl, "responder", runId, p -> answers(p) >= 30);
        // the judge with labels and pairs in flight
        crashWhen(spavl, "judge", runId, p -> answers(p) >= 90 && pairs(p) >= 1);
        // the packager with questions open and answers arriving
        crashWhen(spavl, "packager", runId, p -> answers(p) >= 150);
        JsonNode before = await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> progress(spavl, runId), p -> answers(p) >= 210);
        assertThat(closed(before)).as("the run is still going before the broker restart: %s", before).isLessThan(QUESTIONS);
        spavl.terminate("kafka");
        System.out.printf("crash safety: restarting the broker with %d answers, %d pairs and %d closed questions of %d recorded%n",
                answers(before), pairs(before), closed(before), QUESTIONS);
        SpavlCommand.Result up = spavl.run("up");
        assertThat(up.exitCode()).as("restart of the broker:%n%s", up.output()).isZero();
    }

    private void crashWhen(SpavlCommand spavl, String component, String runId, Predicate<JsonNode> moment) {
        JsonNode at = await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> progress(spavl, runId), moment);
        assertThat(closed(at)).as("the run is still going when the %s is killed: %s", component, at).isLessThan(QUESTIONS);
        spavl.kill9(component);
        System.out.printf("crash safety: killed the %s (SIGKILL) with %d answers, %d pairs and %d closed questions of %d recorded%n",
                component, answers(at), pairs(at), closed(at), QUESTIONS);
        SpavlCommand.Result up = spavl.run("up");
        assertThat(up.exitCode()).as("restart of the %s:%n%s", component, up.output()).isZero();
        assertThat(up.output()).contains(component + " ");
    }

    private void awaitClosed(SpavlCommand spavl, String runId) {
        await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> progress(spavl, runId), p -> closed(p) == QUESTIONS
                        && p.path("questionsByState").path("WAITING").asInt() == 0
                        && p.path("questionsByState").path("JUDGING").asInt() == 0);
    }

    private JsonNode progress(SpavlCommand spavl, String runId) {
        try {
            return json.readTree(given().baseUri(spavl.url("packager")).get("/api/runs/{id}", runId).then().statusCode(200)
                    .extract().asString()).path("progress");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int closed(JsonNode progress) {
        return progress.path("questionsByState").path("RESOLVED").asInt() + progress.path("questionsByState").path("UNRESOLVED").asInt();
    }

    private static int answers(JsonNode progress) {
        return sum(progress.path("answersByStatus"));
    }

    private static int pairs(JsonNode progress) {
        return sum(progress.path("pairsByOutcome"));
    }

    private static int sum(JsonNode counts) {
        int n = 0;
        for (JsonNode count : counts) {
            n += count.asInt();
        }
        return n;
    }

    private Outcome outcome(SpavlCommand spavl, String runId) {
        try {
            JsonNode page = json.readTree(given().baseUri(spavl.url("packager")).queryParam("run", runId).queryParam("size", 500)
                    .get("/api/quadruples").then().statusCode(200).extract().asString());
            Map<String, String> quadruples = new TreeMap<>();
            List<String> questions = new ArrayList<>();
            for (JsonNode q : page.path("items")) {
                String previous = quadruples.put(q.path("quadrupleId").asText(), q.path("questionId").asText() + " " + q.path("pairId").asText()
                        + " chosen=" + q.path("chosenModel").asText() + " rejected=" + q.path("rejectedModel").asText() + " " + q.path("split").asText());
                assertThat(previous).as("quadruple %s listed once", q.path("quadrupleId").asText()).isNull();
                questions.add(q.path("questionId").asText());
            }
            assertThat(questions).as("at most one quadruple per question").doesNotHaveDuplicates();

            Map<String, String> unresolved = new TreeMap<>();
            progress(spavl, runId).path("unresolvedReasons").fields()
                    .forEachRemaining(e -> unresolved.put(e.getKey(), e.getValue().asText()));

            given().baseUri(spavl.url("packager")).post("/api/runs/{id}/export", runId).then().statusCode(202);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    given().baseUri(spavl.url("packager")).get("/api/runs/{id}/export", runId).then().extract().path("state"), "DONE"::equals);
            Path dir = spavl.home.resolve("exports").resolve(runId);
            // the export's record files: every quadruple with its rationales (meta_files/prefer), the training JSON
            // (integer ids included) and the DPO text files, each record as one line of JSON, sorted
            Map<String, List<String>> exported = new TreeMap<>();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".jsonl"))
                        .filter(p -> dir.relativize(p).toString().matches("(meta_files/prefer|training|dpo/text)/[a-z_]+\\.jsonl?"))
                        .toList()) {
                    List<String> lines = new ArrayList<>();
                    if (f.toString().endsWith(".jsonl")) {
                        lines.addAll(Files.readAllLines(f));
                    } else {
                        JsonNode records = json.readTree(f.toFile());
                        records.forEach(r -> lines.add(r.toString()));
                    }
                    lines.sort(null);
                    exported.put(dir.relativize(f).toString(), lines);
                }
            }
            assertThat(exported).as("record files exported").isNotEmpty();
            int preferRows = exported.entrySet().stream().filter(e -> e.getKey().startsWith("meta_files/prefer/"))
                    .mapToInt(e -> e.getValue().size()).sum();
            assertThat(preferRows).as("every quadruple exported once").isEqualTo(quadruples.size());

            // answers as the responders published them: a (question, model) seen twice is a model call made twice
            AvroTopicClient topics = new AvroTopicClient(spavl.bootstrap(), spavl.registryV2());
            Map<String, Integer> perRequest = new HashMap<>();
            topics.<ResponseOutcome>readAll("spavl.responses", Duration.ofSeconds(30)).stream()
                    .map(r -> r.value())
                    .filter(o -> runId.equals(o.getRunId()))
                    .forEach(o -> perRequest.merge(o.getQuestionId() + "/" + o.getModelId(), 1, Integer::sum));
            int published = perRequest.values().stream().mapToInt(Integer::intValue).sum();

            String metrics = given().baseUri(spavl.url("responder")).get("/q/metrics").then().statusCode(200).extract().asString();
            Map<String, Double> recovery = new TreeMap<>();
            recovery.put("skipped", PrometheusText.sum(metrics, "spavl_responder_redelivered_requests_total", "result=\"skipped\""));
            recovery.put("called", PrometheusText.sum(metrics, "spavl_responder_redelivered_requests_total", "result=\"called\""));
            recovery.put("duplicate", PrometheusText.sum(metrics, "spavl_responder_duplicate_requests_total", ""));
            return new Outcome(runId, quadruples, unresolved, exported, published, perRequest.size(), recovery);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
