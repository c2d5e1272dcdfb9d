package dev.spavl.it;

import dev.spavl.testkit.ChildJvm;
import dev.spavl.testkit.SpavlRoot;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code ./spavl} command against a stack of its own: its own state directory under
 * target/, free ports, its own database names, so it never meets a developer's running stack.
 */
final class SpavlCommand {

    record Result(int exitCode, String output) {
    }

    static final Path ROOT = SpavlRoot.locate();
    /** The paper's 12 responders, as the bundled catalog names them (the stack's default lanes). */
    static final List<String> PAPER_MODELS = List.of("otter", "mplug-owl", "lamm-sft", "llama-adapter-v2", "minigpt-4",
            "instructblip", "lamm", "llava-1.5-7b", "internlm-xcomposer", "qwen-vl-chat", "gemini-pro-vision", "gemini-pro-vision-jb");

    final Path home;
    final Map<String, String> env = new HashMap<>();
    final String dbPrefix;

    SpavlCommand(String name) {
        this.home = ROOT.resolve("integration-tests/target/" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
        this.dbPrefix = "spavl_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        env.put("SPAVL_HOME", home.toString());
        env.put("SPAVL_DB_PREFIX", dbPrefix);
        // one port each, all different (see ChildJvm.freePorts); Prometheus's is used by ./spavl monitor only
        List<String> components = List.of("KAFKA", "CONTROLLER", "REGISTRY", "GENERATOR", "RESPONDER", "JUDGE", "PACKAGER", "PROMETHEUS");
        List<Integer> ports = ChildJvm.freePorts(components.size());
        for (int i = 0; i < components.size(); i++) {
            env.put("SPAVL_" + components.get(i) + "_PORT", Integer.toString(ports.get(i)));
        }
    }

    int port(String component) {
        return Integer.parseInt(env.get("SPAVL_" + component.toUpperCase() + "_PORT"));
    }

    String url(String service) {
        return "http://127.0.0.1:" + port(service);
    }

    /** The stack's Kafka, for clients of the tests. */
    String bootstrap() {
        return "127.0.0.1:" + port("kafka");
    }

    /** The stack's registry, Apicurio's v2 API. */
    String registryV2() {
        return url("registry") + "/apis/registry/v2";
    }

    /** A producer of raw bytes: records no serializer of ours would write (poison, unknown schema ids). */
    KafkaProducer<byte[], byte[]> rawProducer() {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer());
    }

    Result run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("spavl").toString());
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("spavl-cmd", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("./spavl " + String.join(" ", args) + " did not finish in 10 minutes");
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run ./spavl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** PIDs recorded by the stack, read before `down` removes them. */
    List<Long> recordedPids() {
        Path pids = home.resolve("pids");
        if (!Files.isDirectory(pids)) {
            return List.of();
        }
        try (var files = Files.list(pids)) {
            return files.map(f -> {
                try {
                    return Long.parseLong(Files.readString(f).trim());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PID `./spavl` recorded for a running component. */
    long pid(String component) {
        try {
            return Long.parseLong(Files.readString(home.resolve("pids/" + component + ".pid")).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException(component + " has no recorded PID under " + home + "/pids", e);
        }
    }

    /** Ends a component as a crash would (SIGKILL: no shutdown hook, no drain, no commit) and waits until it is gone. */
    void kill9(String component) {
        signal(component, true);
    }

    /** Stops a component with SIGTERM (its shutdown hooks run) and waits until it is gone. */
    void terminate(String component) {
        signal(component, false);
    }

    private void signal(String component, boolean forcibly) {
        long pid = pid(component);
        ProcessHandle process = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException(component + " (pid " + pid + ") is not running"));
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            process.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(component + " (pid " + pid + ") did not end within 60 s", e);
        }
    }
}
