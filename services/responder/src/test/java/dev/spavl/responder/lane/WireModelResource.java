package dev.spavl.responder.lane;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.spavl.testkit.SpavlKafkaResource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A real HTTP server on loopback (WireMock) behind models added to the catalog by configuration only:
 * OpenAI-compatible ({@code wire-vlm}, and {@code wire-rpm}, {@code wire-breaker}, {@code wire-recover},
 * {@code wire-drain}, {@code wire-backlog}, {@code wire-republish}, {@code wire-crash} under their own path prefixes), Gemini ({@code wire-gemini}) and Anthropic ({@code wire-claude}).
 */
public class WireModelResource implements QuarkusTestResourceLifecycleManager {

    static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        String base = "http://127.0.0.1:" + server.port();
        Map<String, String> c = new HashMap<>();
        // the lanes this responder hosts: the catalog's and the HTTP ones below, except wire-recover,
        // wire-drain, wire-backlog, wire-republish and wire-crash, which LaneRecoveryTest runs itself, as a restarted or a stopping process would run them
        List<String> hosted = new ArrayList<>(SpavlKafkaResource.defaultModels());
        hosted.addAll(List.of("test-vlm-13", "wire-vlm", "wire-gemini", "wire-claude", "wire-rpm", "wire-breaker"));
        c.put("spavl.responder.models", String.join(",", hosted));
        openAi(c, "wire-vlm", base + "/v1");
        c.put("spavl.models.wire-vlm.concurrency", "2");
        c.put("spavl.models.wire-vlm.retry.redeliveries", "1");
        c.put("spavl.models.wire-vlm.retry.redelivery-delay", "2s");
        // failures of one test must not open the circuit for the next one: wire-breaker tests the breaker
        c.put("spavl.models.wire-vlm.circuit-breaker.minimum-calls", "100");
        c.put("spavl.models.wire-vlm.circuit-breaker.window", "100");

        c.put("spavl.models.wire-gemini.provider", "gemini");
        c.put("spavl.models.wire-gemini.endpoint", base);
        c.put("spavl.models.wire-gemini.model-name", "gemini-wire");
        c.put("spavl.models.wire-claude.provider", "anthropic");
        c.put("spavl.models.wire-claude.endpoint", base);
        c.put("spavl.models.wire-claude.model-name", "claude-wire");
        c.put("spavl.models.wire-claude.price.input-per-1k", "0.003");
        c.put("spavl.models.wire-claude.price.output-per-1k", "0.015");

        openAi(c, "wire-rpm", base + "/rpm/v1");
        c.put("spavl.models.wire-rpm.rate-limit.requests-per-minute", "120");

        openAi(c, "wire-breaker", base + "/breaker/v1");
        c.put("spavl.models.wire-breaker.retry.max-attempts", "1");
        c.put("spavl.models.wire-breaker.retry.redeliveries", "3");
        c.put("spavl.models.wire-breaker.retry.redelivery-delay", "1s");
        c.put("spavl.models.wire-breaker.circuit-breaker.minimum-calls", "3");
        c.put("spavl.models.wire-breaker.circuit-breaker.window", "4");
        c.put("spavl.models.wire-breaker.circuit-breaker.open-for", "3s");

        openAi(c, "wire-recover", base + "/recover/v1");
        openAi(c, "wire-drain", base + "/drain/v1");
        openAi(c, "wire-backlog", base + "/backlog/v1");
        c.put("spavl.models.wire-backlog.concurrency", "1");
        openAi(c, "wire-republish", base + "/republish/v1");
        openAi(c, "wire-crash", base + "/crash/v1");
        return c;
    }

    private static void openAi(Map<String, String> c, String id, String endpoint) {
        c.put("spavl.models." + id + ".provider", "openai");
        c.put("spavl.models." + id + ".endpoint", endpoint);
        c.put("spavl.models." + id + ".model-name", id + "-7b");
        c.put("spavl.models." + id + ".concurrency", "4");
        c.put("spavl.models." + id + ".retry.max-attempts", "3");
        c.put("spavl.models." + id + ".retry.initial-backoff", "100ms");
        c.put("spavl.models." + id + ".retry.max-backoff", "200ms");
        c.put("spavl.models." + id + ".timeout", "5s");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
