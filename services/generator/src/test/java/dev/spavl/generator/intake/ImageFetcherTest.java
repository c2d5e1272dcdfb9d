package dev.spavl.generator.intake;

import com.sun.net.httpserver.HttpServer;
import dev.spavl.generator.source.InputRoots;
import dev.spavl.generator.source.SourceRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Downloads against a real HTTP server on loopback (allowed explicitly here), and local files under the roots. */
class ImageFetcherTest {

    @TempDir
    Path root;
    private HttpServer server;
    private final byte[] image = TestImages.png(100, 100);

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok.png", ex -> reply(ex, 200, image));
        server.createContext("/missing.png", ex -> reply(ex, 404, new byte[0]));
        server.createContext("/big.png", ex -> reply(ex, 200, new byte[5000]));
        server.createContext("/slow.png", ex -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, image);
        });
        server.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", "/ok.png");
            reply(ex, 302, new byte[0]);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void downloadsAndFollowsRedirects() {
        assertThat(fetcher(true, 1_000_000).fetch(url("/ok.png")).bytes()).isEqualTo(image);
        assertThat(fetcher(true, 1_000_000).fetch(url("/redirect")).bytes()).isEqualTo(image);
    }

    @Test
    void httpErrorsTimeoutsAndSizeAreReported() {
        assertThat(fetcher(true, 1_000_000).fetch(url("/missing.png"))).satisfies(f -> {
            assertThat(f.reason()).isEqualTo(RejectionReason.FETCH_FAILED);
            assertThat(f.detail()).contains("HTTP 404");
        });
        assertThat(fetcher(true, 1000).fetch(url("/big.png")).reason()).isEqualTo(RejectionReason.TOO_LARGE);
        ImageFetcher impatient = new ImageFetcher(new InputRoots(List.of(root)), new UrlPolicy(true), 1_000_000, Duration.ofMillis(300));
        assertThat(impatient.fetch(url("/slow.png")).reason()).isEqualTo(RejectionReason.FETCH_FAILED);
    }

    @Test
    void loopbackIsRefusedByDefault() {
        ImageFetcher.Fetched f = fetcher(false, 1_000_000).fetch(url("/ok.png"));
        assertThat(f.reason()).isEqualTo(RejectionReason.URL_NOT_ALLOWED);
        assertThat(f.detail()).contains("loopback");
    }

    @Test
    void localFilesOnlyUnderTheRoots(@TempDir Path outside) throws IOException {
        Files.write(root.resolve("a.png"), image);
        Files.write(outside.resolve("b.png"), image);
        assertThat(fetcher(false, 1_000_000).fetch(file(root.resolve("a.png").toString())).bytes()).isEqualTo(image);
        assertThat(fetcher(false, 1_000_000).fetch(file(outside.resolve("b.png").toString())).reason())
                .isEqualTo(RejectionReason.PATH_OUTSIDE_INPUT_ROOTS);
        assertThat(fetcher(false, 1_000_000).fetch(file(root.resolve("../" + outside.getFileName() + "/b.png").toString())).reason())
                .isEqualTo(RejectionReason.PATH_OUTSIDE_INPUT_ROOTS);
        assertThat(fetcher(false, 1_000_000).fetch(file(root.resolve("nope.png").toString())).reason())
                .isEqualTo(RejectionReason.FILE_UNREADABLE);
        assertThat(fetcher(false, 100).fetch(file(root.resolve("a.png").toString())).reason())
                .isEqualTo(RejectionReason.TOO_LARGE);
    }

    private ImageFetcher fetcher(boolean allowPrivate, long maxBytes) {
        return new ImageFetcher(new InputRoots(List.of(root)), new UrlPolicy(allowPrivate), maxBytes, Duration.ofSeconds(5));
    }

    private SourceRow url(String path) {
        return new SourceRow(1, null, "http://127.0.0.1:" + server.getAddress().getPort() + path, null, null, "A", "B", "C", "n", null);
    }

    private static SourceRow file(String path) {
        return new SourceRow(1, path, null, null, null, "A", "B", "C", "n", null);
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }
}
