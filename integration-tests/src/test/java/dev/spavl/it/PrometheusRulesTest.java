package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spavl.testkit.RequiredTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring files checked with Prometheus' own tool, without a running stack: {@code promtool check rules}
 * and the alert unit tests ({@code promtool test rules deploy/prometheus/tests/*.test.yml}), {@code promtool check
 * config} on every Prometheus configuration we ship; and the Grafana dashboards: valid JSON, unique uids, every
 * query on the one provisioned data source, every spavl metric they or the rules name documented in
 * {@code docs/metrics.md}. Whether the queries return data on a real stack is {@link PrometheusIT}'s job.
 */
class PrometheusRulesTest {

    private static final Path ROOT = SpavlCommand.ROOT;
    private static final Path PROMETHEUS = ROOT.resolve("deploy/prometheus");
    private static final Path DASHBOARDS = ROOT.resolve("deploy/grafana/dashboards");
    private static final String DATASOURCE_UID = "spavl-prometheus";
    private static final Pattern SPAVL_SERIES = Pattern.compile("\\bspavl_[a-z0-9_]+");

    @BeforeAll
    static void promtoolInstalled() {
        Programs.Outcome version = run(List.of("promtool", "--version"));
        RequiredTool.assume(version.exitCode() == 0, "promtool, for the rule checks",
                "apt-get install prometheus (Debian); .ci/run installs it", version.output());
    }

    @Test
    void alertAndRecordingRulesAreValid() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("promtool", "check", "rules"));
        cmd.addAll(files(PROMETHEUS.resolve("rules"), ".yml"));
        Programs.Outcome check = run(cmd);
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    @Test
    void alertUnitTestsPass() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("promtool", "test", "rules"));
        cmd.addAll(files(PROMETHEUS.resolve("tests"), ".test.yml"));
        assertThat(cmd).hasSizeGreaterThan(3);
        Programs.Outcome test = run(cmd);
        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestAndARunbook() throws IOException {
        String tests = Files.readString(PROMETHEUS.resolve("tests/spavl-alerts.test.yml"));
        String operations = Files.readString(ROOT.resolve("docs/operations.md")).toLowerCase();
        Matcher alert = Pattern.compile("- alert: (\\S+)").matcher(Files.readString(PROMETHEUS.resolve("rules/spavl-alerts.yml")));
        int n = 0;
        while (alert.find()) {
            n++;
            assertThat(tests).as("a unit test for %s", alert.group(1)).contains("alertname: " + alert.group(1));
            assertThat(operations).as("a runbook section for %s in docs/operations.md", alert.group(1))
                    .containsPattern("(?m)^#+ .*" + alert.group(1).toLowerCase());
        }
        assertThat(n).isGreaterThanOrEqualTo(6);
    }

    @Test
    void theLocalConfigurationIsValidOnceRendered() throws IOException {
        String template = Files.readString(PROMETHEUS.resolve("local/prometheus.yml.template"));
        // as ./spavl monitor renders it
        String rendered = template.replace("@GENERATOR_PORT@", "8180").replace("@RESPONDER_PORT@", "8181")
                .replace("@JUDGE_PORT@", "8182").replace("@PACKAGER_PORT@", "8183").replace("@SCRAPE_INTERVAL@", "15s")
                .replace("@RULES_DIR@", PROMETHEUS.resolve("rules").toString());
        assertThat(rendered).doesNotContainPattern("@[A-Z_]+@");
        Path file = Files.createTempFile("prometheus", ".yml");
        try {
            Files.writeString(file, rendered);
            Programs.Outcome check = run(List.of("promtool", "check", "config", file.toString()));
            assertThat(check.exitCode()).as(check.output()).isZero();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void everyShippedPrometheusConfigurationIsValid() throws IOException {
        for (String config : files(PROMETHEUS, ".yml")) {
            Programs.Outcome check = run(List.of("promtool", "check", "config", "--syntax-only", config));
            assertThat(check.exitCode()).as("%s: %s", config, check.output()).isZero();
        }
    }

    @Test
    void dashboardsUseTheProvisionedDataSourceAndDocumentedMetrics() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> uids = new TreeSet<>();
        Set<String> named = new TreeSet<>();
        List<String> dashboards = files(DASHBOARDS, ".json");
        assertThat(dashboards).hasSizeGreaterThanOrEqualTo(4);
        for (String file : dashboards) {
            JsonNode d = json.readTree(Path.of(file).toFile());
            assertThat(uids.add(d.path("uid").asText())).as("unique uid in %s", file).isTrue();
            for (JsonNode panel : d.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText()).as("%s / %s", file, panel.path("title"))
                            .isEqualTo(DATASOURCE_UID);
                    assertThat(target.path("expr").asText()).as("%s / %s", file, panel.path("title")).isNotBlank();
                    named.addAll(series(target.path("expr").asText()));
                }
            }
        }
        for (String rules : files(PROMETHEUS.resolve("rules"), ".yml")) {
            named.addAll(series(Files.readString(Path.of(rules))));
        }
        String catalog = Files.readString(ROOT.resolve("docs/metrics.md"));
        List<String> undocumented = named.stream().map(PrometheusRulesTest::baseName)
                .filter(m -> !catalog.contains(m)).distinct().toList();
        assertThat(undocumented).as("metrics used by dashboards or rules but missing from docs/metrics.md").isEmpty();
    }

    private static Set<String> series(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher m = SPAVL_SERIES.matcher(promql);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** A histogram's series are documented under the histogram's name. */
    private static String baseName(String series) {
        return series.replaceAll("_(bucket|count|sum)$", "");
    }

    private static List<String> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).map(Path::toString).sorted().toList();
        }
    }

    private static Programs.Outcome run(List<String> cmd) {
        return Programs.run(ROOT, Duration.ofSeconds(60), cmd);
    }
}
