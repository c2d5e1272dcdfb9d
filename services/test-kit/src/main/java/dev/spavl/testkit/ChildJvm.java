package dev.spavl.testkit;

import java.io.IOException;
import java.net.InetAddress;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A runnable jar in a JVM of its own (the registry, a service), ready once an HTTP URL answers 200.
 * Its output goes to a temporary log that failures quote; a shutdown hook stops it if the test JVM
 * ends without {@link #close()}, so no child outlives a crashed test run.
 */
public final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread reaper;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.reaper = new Thread(process::destroyForcibly, "spavl-reaper-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * @param jvmArgs arguments before {@code -jar}
     * @param env     extra environment variables
     */
    public static ChildJvm start(String name, Path jar, List<String> jvmArgs, Map<String, String> env,
                                 URI readyUrl, Duration readyTimeout) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + ": " + jar + " is missing: build it first (./mvnw -B package -DskipTests)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        try {
            Path log = Files.createTempFile("spavl-" + name + "-", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            ChildJvm child = new ChildJvm(name, pb.start(), log);
            child.awaitReady(readyUrl, readyTimeout);
            return child;
        } catch (IOException e) {
            throw new IllegalStateException("cannot launch " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code count} different ports nobody listens on right now, on the loopback interface. All are held open
     * until every one is chosen: ports asked for one at a time may repeat (a closed port is free again), and two
     * components given the same port make the second fail to bind while a health check of it reaches the first.
     */
    public static List<Integer> freePorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
                held.add(s);
                ports.add(s.getLocalPort());
            }
            return List.copyOf(ports);
        } catch (IOException e) {
            throw new IllegalStateException("no " + count + " free ports: " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a listening socket that never accepted: nothing to recover
                }
            }
        }
    }

    /** A port nobody listens on right now, on the loopback interface. */
    public static int freePort() {
        return freePorts(1).get(0);
    }

    private void awaitReady(URI url, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = tail();
                close();
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log:\n" + tail);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String tail = tail();
        close();
        throw new IllegalStateException(name + " was not ready at " + url + " within " + timeout + "; log:\n" + tail);
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
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
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        if (Boolean.getBoolean("spavl.test.keep-logs")) {
            System.err.println(name + " log kept at " + log);
            return;
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temporary log left behind is harmless
        }
    }
}
