package dev.spavl.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Apicurio Registry fast-jar (deploy/local/registry) as a child JVM on a free loopback port,
 * in-memory storage, global compatibility BACKWARD: the same registry the local stack runs.
 */
public final class RegistryProcess implements AutoCloseable {

    static final String JAR = "deploy/local/registry/app/target/quarkus-app/quarkus-run.jar";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path log;

    /** Stops the child if the test JVM ends without close() (a crashed or killed test run). */
    private final Thread reaper;

    private RegistryProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.reaper = new Thread(process::destroyForcibly, "spavl-registry-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    public static RegistryProcess start() {
        Path jar = SpavlRoot.locate().resolve(JAR);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("registry fast-jar missing at " + jar
                    + ": run `./mvnw -B verify` from the root (it builds it) or "
                    + "`./mvnw -f deploy/local/registry/pom.xml -B package -DskipTests`");
        }
        try {
            int port = freePort();
            Path log = Files.createTempFile("spavl-registry-", ".log");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-Dregistry.rules.global.compatibility=BACKWARD",
                    "-jar", jar.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            RegistryProcess registry = new RegistryProcess(p, port, log);
            registry.awaitReady();
            return registry;
        } catch (IOException e) {
            throw new IllegalStateException("cannot launch the registry: " + e.getMessage(), e);
        }
    }

    /** Base URL of the Apicurio v2 API, the form the Java serdes need. */
    public String registryV2Url() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    /** Base URL of the Confluent-compatible API, for non-Java clients. */
    public String confluentCompatUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the registry exited with " + process.exitValue() + "; log: " + tail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for the registry", e);
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
        throw new IllegalStateException("the registry was not ready within " + READY_TIMEOUT + "; log: " + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
