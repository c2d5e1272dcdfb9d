package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spavl.testkit.RequiredTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPA-VL scale benchmark in small (about 2,000 quadruples), through its own command: it must run from start to
 * end on a fresh stack and report consistent figures. No timing is asserted here: the figures are in
 * benchmarks/target and docs/benchmarks.md.
 */
class ScaleSmokeIT {

    private static final int QUADRUPLES = 2_000;
    /** The harness sizes the run for its target: ceil(N / 3 / 0.92) pictures, 3 questions each. */
    private static final int QUESTIONS = 3 * (int) Math.ceil(QUADRUPLES / 3.0 / 0.92);
    private static final List<String> MODELS = SpavlCommand.PAPER_MODELS;

    private final SpavlCommand spavl = new SpavlCommand("it-scale");

    @AfterEach
    void purge() {
        // the harness stops its stack itself; this also removes it when the harness was cut short
        spavl.env.put("SPAVL_HOME", spavl.home.resolve("home").toString());
        spavl.run("down", "--purge");
    }

    @Test
    void theScaleBenchmarkRunsEndToEndAndItsFiguresAddUp() throws IOException {
        RequiredTool.assume(Programs.onPath("python3"), "python3 on the PATH, for the benchmark harness (benchmarks/run)",
                "apt-get install python3 (Debian); the machines have it");
        Programs.Outcome bench = Programs.run(SpavlCommand.ROOT, Duration.ofMinutes(45), List.of(
                SpavlCommand.ROOT.resolve("benchmarks/run").toString(), "scale", "--quadruples", Integer.toString(QUADRUPLES),
                "--out", spavl.home.toString(), "--timeout", "2400"), spavl.env);
        assertThat(bench.exitCode()).as("benchmarks/run scale output:%n%s", bench.output()).isZero();

        JsonNode report = new ObjectMapper().readTree(spavl.home.resolve("report.json").toFile());
        assertThat(report.get("questions").asInt()).isEqualTo(QUESTIONS);
        assertThat(report.get("closed").asInt()).as("every question closed").isEqualTo(QUESTIONS);
        // zero-latency personas and the offline judge resolve most questions; the rest are unresolved with a reason
        assertThat(report.get("quadruples").asInt()).isGreaterThan(QUESTIONS * 8 / 10);
        assertThat(report.get("export_state").asText()).isEqualTo("DONE");

        JsonNode topics = report.get("events_per_topic");
        for (String model : MODELS) {
            assertThat(topics.get("spavl.requests." + model).asInt()).as("requests to %s", model).isEqualTo(QUESTIONS);
        }
        assertThat(topics.get("spavl.responses").asInt()).as("every model answered every question").isEqualTo(12 * QUESTIONS);
        assertThat(topics.get("spavl.assessments").asInt()).as("a label per question and per answer").isEqualTo(13 * QUESTIONS);
        assertThat(topics.get("spavl.quadruples").asInt()).isEqualTo(report.get("quadruples").asInt());
        for (String process : List.of("kafka", "registry", "generator", "responder", "judge", "packager", "postgresql")) {
            assertThat(report.at("/processes/" + process + "/cpu_seconds").asDouble()).as("CPU of %s", process).isPositive();
            assertThat(report.at("/processes/" + process + "/peak_rss_mb").asDouble()).as("peak RSS of %s", process).isPositive();
        }
        assertThat(report.get("postgresql_bytes").size()).isEqualTo(2);
        assertThat(Files.readString(spavl.home.resolve("report.md"))).contains("quadruples/s", "events/s");
    }
}
