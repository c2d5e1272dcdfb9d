package dev.spavl.responder.lane;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A real OpenAI-compatible HTTP endpoint on loopback (WireMock), added to the catalog as model
 * {@code wire-vlm} through configuration only: the 13th lane of the test.
 */
public class WireModelResource implements QuarkusTestResourceLifecycleManager {

    static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return Map.of(
                "spavl.models.wire-vlm.provider", "openai",
                "spavl.models.wire-vlm.endpoint", "http://127.0.0.1:" + server.port() + "/v1",
                "spavl.models.wire-vlm.model-name", "wire-vlm-7b",
                "spavl.models.wire-vlm.concurrency", "2",
                "spavl.models.wire-vlm.retry.max-attempts", "3",
                "spavl.models.wire-vlm.retry.initial-backoff", "100ms",
                "spavl.models.wire-vlm.retry.max-backoff", "200ms",
                "spavl.models.wire-vlm.timeout", "5s");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
