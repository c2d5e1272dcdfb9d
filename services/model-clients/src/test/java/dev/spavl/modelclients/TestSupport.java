package dev.spavl.modelclients;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** Shared fixtures: a loopback WireMock server, a real 1x1 PNG, and awaiting helpers. */
final class TestSupport {

    /** A recognisable fake key: every failure test checks it never shows up in a message. */
    static final String API_KEY = "sk-test-Zq81SecretKeyThatMustNotLeak";
    static final Duration AWAIT = Duration.ofSeconds(10);

    /**
     * A 1x1 PNG plus trailing bytes (ignored by decoders after IEND) chosen so its base64 contains '+', '/'
     * and '=' padding: a URL-safe or unpadded encoder would change them and the request checks would fail.
     */
    static final byte[] PNG = concat(Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="),
            new byte[] {0, 0, (byte) 0xFB, (byte) 0xFF, (byte) 0xBF, (byte) 0xFB, (byte) 0xFF});

    private TestSupport() {
    }

    static WireMockServer startServer() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return server;
    }

    static <T> T await(Uni<T> uni) {
        return uni.await().atMost(AWAIT);
    }

    /** Awaits a failure and checks the invariants every ModelCallException must keep. */
    static ModelCallException awaitFailure(Uni<?> uni) {
        ModelCallException e = catchThrowableOfType(ModelCallException.class, () -> uni.await().atMost(AWAIT));
        assertThat(e).as("expected a ModelCallException").isNotNull();
        assertThat(e.getMessage()).doesNotContain(API_KEY);
        assertThat(e.toString()).doesNotContain(API_KEY);
        return e;
    }

    static LoggedRequest onlyRequest(WireMockServer server) {
        List<LoggedRequest> all = server.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    static JsonObject bodyOf(LoggedRequest request) {
        return new JsonObject(request.getBodyAsString());
    }

    static String pngBase64() {
        String b64 = Base64.getEncoder().encodeToString(PNG);
        assertThat(b64).contains("+", "/").endsWith("=");
        return b64;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
