package dev.spavl.generator.intake;

import dev.spavl.generator.source.InputRoots;
import dev.spavl.generator.source.SourceException;
import dev.spavl.generator.source.SourceRow;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Gets the bytes of one row: a local file under the input roots, or an http(s) URL allowed by the
 * {@link UrlPolicy}, with timeouts and a size cap. Redirects are followed by hand (at most 3), each
 * target checked again. Blocking: call it off the event loop.
 */
public final class ImageFetcher {

    /** The bytes, or why there are none. */
    public record Fetched(byte[] bytes, RejectionReason reason, String detail) {
        static Fetched ok(byte[] bytes) {
            return new Fetched(bytes, null, null);
        }

        static Fetched refused(RejectionReason reason, String detail) {
            return new Fetched(null, reason, detail);
        }

        public boolean ok() {
            return bytes != null;
        }
    }

    private static final int MAX_REDIRECTS = 3;

    private final InputRoots roots;
    private final UrlPolicy urls;
    private final long maxBytes;
    private final Duration timeout;
    private final HttpClient http;

    public ImageFetcher(InputRoots roots, UrlPolicy urls, long maxBytes, Duration timeout) {
        this.roots = roots;
        this.urls = urls;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Fetched fetch(SourceRow row) {
        return row.path() != null ? readFile(row.path()) : download(row.url());
    }

    /** By the reference stored for a row: a URL (any scheme; only http/https pass) or a local path. */
    public Fetched fetch(String reference) {
        return SourceRow.isUrl(reference) ? download(reference) : readFile(reference);
    }

    private Fetched readFile(String path) {
        Path file;
        try {
            file = roots.resolveInside(path);
        } catch (InputRoots.OutsideRootsException e) {
            return Fetched.refused(RejectionReason.PATH_OUTSIDE_INPUT_ROOTS, e.getMessage());
        } catch (SourceException e) {
            return Fetched.refused(RejectionReason.FILE_UNREADABLE, e.getMessage());
        }
        try {
            if (!Files.isRegularFile(file)) {
                return Fetched.refused(RejectionReason.FILE_UNREADABLE, path + " is not a regular file");
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                return Fetched.refused(RejectionReason.TOO_LARGE, size + " bytes, the maximum is " + maxBytes);
            }
            return Fetched.ok(Files.readAllBytes(file));
        } catch (IOException e) {
            return Fetched.refused(RejectionReason.FILE_UNREADABLE, path + ": " + e.getMessage());
        }
    }

    private Fetched download(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Fetched.refused(RejectionReason.URL_NOT_ALLOWED, "not a valid URL: " + e.getMessage());
        }
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            String refusal = urls.refusal(uri);
            if (refusal != null) {
                return Fetched.refused(RejectionReason.URL_NOT_ALLOWED, refusal);
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                return Fetched.refused(RejectionReason.FETCH_FAILED, uri + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Fetched.refused(RejectionReason.FETCH_FAILED, uri + ": interrupted");
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                closeQuietly(response.body());
                String location = response.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    return Fetched.refused(RejectionReason.FETCH_FAILED, uri + ": HTTP " + status + " without Location");
                }
                uri = uri.resolve(location);
                continue;
            }
            if (status != 200) {
                closeQuietly(response.body());
                return Fetched.refused(RejectionReason.FETCH_FAILED, uri + ": HTTP " + status);
            }
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                closeQuietly(response.body());
                return Fetched.refused(RejectionReason.TOO_LARGE, declared + " bytes announced, the maximum is " + maxBytes);
            }
            try (InputStream in = response.body()) {
                // read one byte past the cap so a server that lies about (or omits) the length is caught
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    return Fetched.refused(RejectionReason.TOO_LARGE, "more than " + maxBytes + " bytes");
                }
                return Fetched.ok(bytes);
            } catch (IOException e) {
                return Fetched.refused(RejectionReason.FETCH_FAILED, uri + ": " + e.getMessage());
            }
        }
        return Fetched.refused(RejectionReason.FETCH_FAILED, url + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing left to read
        }
    }
}
