package dev.spavl.it;

import dev.spavl.testkit.RequiredTool;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python example responder's own unit tests (examples/python-responder/test_responder.py: ids against the Java
 * vectors, topic names, the rules, retry and dead-letter decisions, Avro round trips with the repository's schemas),
 * run with the system interpreter as part of the build, so a contract change that breaks the example fails here.
 * Skipped, with a message, where Debian's python3-avro or python3-yaml is missing (those tests would only skip); under
 * CI=true that fails instead ({@link RequiredTool}).
 */
class PythonResponderUnitTest {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path EXAMPLE = SpavlCommand.ROOT.resolve("examples/python-responder");

    @Test
    void theExampleResponderPassesItsUnitTests() throws Exception {
        RequiredTool.assume(Files.isExecutable(PYTHON), PYTHON + " (Debian's python3), for the Python responder's unit tests",
                "apt-get install python3 python3-avro python3-yaml; .ci/run installs the modules");
        Programs.Outcome probe = run(List.of(PYTHON.toString(), "-c", "import avro.schema, yaml"));
        RequiredTool.assume(probe.exitCode() == 0, "python3-avro or python3-yaml (for " + PYTHON + "), for the Python responder's unit tests",
                "apt-get install python3-avro python3-yaml (Debian); .ci/run installs them", probe.output());

        Programs.Outcome tests = run(List.of(PYTHON.toString(), "-B", "-m", "unittest", "-v"));
        System.out.println(tests.output());
        assertThat(tests.exitCode()).as("python3 -m unittest in %s:%n%s", EXAMPLE, tests.output()).isZero();
        assertThat(tests.output()).as("every test ran (none skipped)").containsPattern("Ran [1-9][0-9]* tests").contains("\nOK")
                .doesNotContain("skipped");
    }

    private static Programs.Outcome run(List<String> command) {
        return Programs.run(EXAMPLE, Duration.ofMinutes(2), command);
    }
}
