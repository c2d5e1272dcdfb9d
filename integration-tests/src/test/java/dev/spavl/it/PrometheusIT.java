package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spavl.testkit.RequiredTool;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Debian's real Prometheus ({@code ./spavl monitor}) scraping the real local stack while a run goes through it,
 * with spavl's recording and alert rules loaded. Asserts that every query the Grafana dashboards and the alert
 * rules use returns data: the consumer lag in records and seconds per lane and group, throughput per stage,
 * errors, latency histograms, dead letters; that every rule evaluates without error; and that a dead-lettered
 * record raises the dead-letter alerts. The run includes one file that is not an image (a rejection)
 * and one poison record (a dead letter), so that those series carry data too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusIT {

    private static final Path DASHBOARDS = SpavlCommand.ROOT.resolve("deploy/grafana/dashboards");
    private static final Path RULES = SpavlCommand.ROOT.resolve("deploy/prometheus/rules");
    /** Sample images the run takes, copied into the generator's input root in the SPA-VL folder layout. */
    private static final List<String> IMAGES = List.of(
            "spa-vl-mini/Malicious Use/Security threats/cyber/synthetic-1.png",
            "spa-vl-mini/Socioeconomic Harms/Risky financial practices/gamble/synthetic-1.png",
            "spa-vl-mini/Representation & ToxicityHarms/Toxic/bully/synthetic-1.png");

    /** Series only a model judge exports; this stack runs the offline judge. */
    private static final List<String> MODEL_JUDGE_ONLY = List.of("spavl_judge_circuit_state", "spavl_judge_paused",
            "spavl_judge_rate_limited_total");

    private final SpavlCommand spavl = new SpavlCommand("it-prometheus");
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void upAndMonitor() {
        RequiredTool.assume(Programs.onPath("prometheus"), "prometheus, for the Prometheus IT",
                "apt-get install prometheus (Debian); .ci/run installs it");
        spavl.env.put("SPAVL_SCRAPE_INTERVAL", "1s");
        // lag every 2 s instead of 15 s, so that a short run shows up in it
        spavl.env.put("SPAVL_PACKAGER_LAG_INTERVAL", "2s");
        // one model fails a third of its calls: the error panels and retry series get data
        spavl.env.put("SPAVL_MODELS_OTTER_PERSONA_FAULTS_RATE_500", "0.33");
        SpavlCommand.Result up = spavl.run("up");
        assertThat(up.exitCode()).as("./spavl up:%n%s", up.output()).isZero();
        SpavlCommand.Result monitor = spavl.run("monitor");
        assertThat(monitor.exitCode()).as("./spavl monitor:%n%s", monitor.output()).isZero();
        assertThat(monitor.output()).contains("prometheus healthy");
    }

    @AfterAll
    void purge() {
        spavl.run("down", "--purge");
    }

    @Test
    @Order(1)
    void prometheusScrapesEveryServiceAndLoadsEveryRule() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode targets = get("/api/v1/targets").path("data").path("activeTargets");
            Map<String, String> health = new LinkedHashMap<>();
            targets.forEach(t -> health.put(t.path("labels").path("job").asText(), t.path("health").asText()));
            assertThat(health).containsExactlyInAnyOrderEntriesOf(Map.of("spavl-generator", "up", "spavl-responder", "up",
                    "spavl-judge", "up", "spavl-packager", "up"));
        });
        assertThat(ruleNames()).containsAll(ruleNamesInFiles());
    }

    @Test
    @Order(2)
    void aRunWithARejectedImageAndAPoisonRecordGoesThrough() throws Exception {
        Path tree = spavl.home.resolve("input/prometheus-it");
        for (String image : IMAGES) {
            Path target = tree.resolve(image.substring("spa-vl-mini/".length()));
            Files.createDirectories(target.getParent());
            Files.copy(SpavlCommand.ROOT.resolve("examples").resolve(image), target);
        }
        // a "png" that is text: the generator rejects it and counts the reason
        Files.writeString(tree.resolve("Malicious Use/Security threats/cyber/not-an-image.png"), "no image here");
        // a record naming a schema id the registry does not know: the packager dead-letters it
        try (KafkaProducer<byte[], byte[]> producer = spavl.rawProducer()) {
            byte[] wire = ByteBuffer.allocate(9).put((byte) 0).putInt(987654).putInt(42).array();
            producer.send(new ProducerRecord<>("spavl.verdicts", "prometheus-it-poison".getBytes(StandardCharsets.UTF_8), wire))
                    .get(30, TimeUnit.SECONDS);
        }
        Path out = spavl.home.resolve("export");
        SpavlCommand.Result run = spavl.run("run", "--images-dir", tree.toString(), "--out", out.toString());
        assertThat(run.exitCode()).as("./spavl run:%n%s", run.output()).isZero();
        assertThat(run.output()).contains("Table 1");
    }

    @Test
    @Order(3)
    void everyDashboardQueryReturnsData() throws IOException {
        Map<String, String> queries = dashboardQueries();
        assertThat(queries).as("queries found in %s", DASHBOARDS).hasSizeGreaterThan(30);
        // until the scrape after the run's last events, and one more lag round, are in
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            List<String> empty = new ArrayList<>();
            queries.forEach((where, query) -> {
                // the offline judge has no circuit breaker: those series exist only with a model judge (docs/metrics.md)
                boolean modelJudgeOnly = MODEL_JUDGE_ONLY.stream().anyMatch(query::contains);
                if (!modelJudgeOnly && instant(query).isEmpty()) {
                    empty.add(where + ": " + query);
                }
            });
            assertThat(empty).as("dashboard queries without data").isEmpty();
        });
    }

    @Test
    @Order(4)
    void lagAndThroughputQueriesCoverEveryLaneAndGroup() {
        Set<String> models = labels(instant("spavl:lane_lag_records"), "model");
        assertThat(models).hasSize(12).contains("otter", "gemini-pro-vision-jb");
        assertThat(labels(instant("spavl:lane_lag_seconds"), "model")).isEqualTo(models);
        assertThat(labels(instant("spavl:lane_answers:rate1m"), "model")).isEqualTo(models);
        assertThat(labels(instant("spavl:group_lag_records"), "group"))
                .contains("spavl-judge-pairs", "spavl-judge-responses", "spavl-packager-verdicts", "spavl-generator-progress",
                        "spavl-responder-otter");
        // something was answered and packaged within the last minutes, as rates and as counts
        assertThat(sum(instant("sum(increase(spavl_responder_requests_total{outcome=\"ok\"}[10m]))"))).isPositive();
        assertThat(sum(instant("sum(increase(spavl_packager_quadruples_total[10m]))"))).isPositive();
        assertThat(sum(instant("sum(increase(spavl_generator_images_rejected_total[10m]))"))).isGreaterThanOrEqualTo(1);
        assertThat(sum(instant("sum(spavl_dead_letter_records{topic=\"spavl.verdicts.dlq\"})"))).isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(5)
    void everyRuleEvaluatesWithoutErrorAndTheDeadLetterAlertIsRaised() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<String> unhealthy = new ArrayList<>();
            for (JsonNode group : get("/api/v1/rules").path("data").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (!"ok".equals(rule.path("health").asText())) {
                        unhealthy.add(rule.path("name").asText() + ": " + rule.path("health").asText() + " "
                                + rule.path("lastError").asText());
                    }
                }
            }
            assertThat(unhealthy).isEmpty();
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<String> deadLetterAlerts = new ArrayList<>();
            for (JsonNode alert : get("/api/v1/alerts").path("data").path("alerts")) {
                String name = alert.path("labels").path("alertname").asText();
                if (name.startsWith("SpavlDeadLetter")) {
                    deadLetterAlerts.add(name + " " + alert.path("labels").path("topic").asText() + " " + alert.path("state").asText());
                }
            }
            assertThat(deadLetterAlerts).anyMatch(a -> a.startsWith("SpavlDeadLetters spavl.verdicts.dlq "))
                    .anyMatch(a -> a.startsWith("SpavlDeadLetterArrived spavl.verdicts.dlq "));
        });
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Every PromQL expression of every panel, with Grafana's variables replaced as "All" and a 1-minute window. */
    private Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = json.readTree(file.toFile());
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        String expr = target.path("expr").asText()
                                .replace("$model", ".+")
                                .replace("$__rate_interval", "1m")
                                .replace("$__range", "15m");
                        queries.put(file.getFileName() + " / " + panel.path("title").asText() + " / "
                                + target.path("refId").asText(), expr);
                    }
                }
            }
        }
        return queries;
    }

    private Set<String> ruleNamesInFiles() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(RULES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yml")).toList()) {
                JsonNode doc = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(f.toFile());
                for (JsonNode group : doc.path("groups")) {
                    for (JsonNode rule : group.path("rules")) {
                        names.add(rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText());
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }

    private Set<String> ruleNames() {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : get("/api/v1/rules").path("data").path("groups")) {
            group.path("rules").forEach(r -> names.add(r.path("name").asText()));
        }
        return names;
    }

    private List<JsonNode> instant(String query) {
        JsonNode body = get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        assertThat(body.path("status").asText()).as("query %s: %s", query, body).isEqualTo("success");
        List<JsonNode> result = new ArrayList<>();
        body.path("data").path("result").forEach(result::add);
        return result;
    }

    private static Set<String> labels(List<JsonNode> series, String label) {
        Set<String> values = new TreeSet<>();
        series.forEach(s -> values.add(s.path("metric").path(label).asText()));
        return values;
    }

    private static double sum(List<JsonNode> series) {
        return series.stream().mapToDouble(s -> Double.parseDouble(s.path("value").path(1).asText())).sum();
    }

    private JsonNode get(String pathAndQuery) {
        URI uri = URI.create("http://127.0.0.1:" + spavl.port("prometheus") + pathAndQuery);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s: %s", uri, r.body()).isEqualTo(200);
            return json.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }



}
