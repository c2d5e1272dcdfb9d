package dev.spavl.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The machine's own programs the tests call (promtool, node, npm, python3): found on the PATH and run to the end. */
final class Programs {

    /** Exit code and everything the program wrote (stdout and stderr together); -1 when it could not run or finish. */
    record Outcome(int exitCode, String output) {
    }

    private Programs() {
    }

    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    /** Runs {@code command} in {@code dir}; its output goes through a file, so a talkative program never blocks on a pipe. */
    static Outcome run(Path dir, Duration timeout, List<String> command) {
        return run(dir, timeout, command, Map.of());
    }

    /** As {@link #run(Path, Duration, List)}, with {@code env} added to the program's environment. */
    static Outcome run(Path dir, Duration timeout, List<String> command, Map<String, String> env) {
        String line = String.join(" ", command);
        Path out = null;
        try {
            out = Files.createTempFile("spavl-it-program", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Outcome(-1, line + " did not finish within " + timeout + ":\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Outcome(-1, line + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, line + ": interrupted");
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }
}
