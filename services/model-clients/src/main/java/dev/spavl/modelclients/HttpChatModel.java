package dev.spavl.modelclients;

import dev.spavl.responder.starter.ModelFailure.Kind;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP plumbing the three protocols share: one JSON POST per call, an overall deadline, and the mapping
 * of statuses and transport failures onto {@link Kind}. Subclasses only build bodies and read results.
 */
abstract class HttpChatModel implements ChatModel {

    private static final int EXCERPT_CHARS = 300;
    // enough parallel calls per host for a responder fanning out to many models behind one gateway; the
    // default of 5 would queue requests silently and spend their timeout waiting for a connection
    private static final int MAX_POOL_SIZE = 64;
    private static final String REDACTED = "[REDACTED]";

    protected final ModelEndpoint endpoint;
    private final WebClient client;
    private final String base;
    private final Clock clock;

    HttpChatModel(Vertx vertx, ModelEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.base = endpoint.base();
        this.clock = Clock.systemUTC();
        this.client = WebClient.create(Objects.requireNonNull(vertx, "vertx"), new WebClientOptions()
                .setUserAgent("spavl-model-clients")
                .setMaxPoolSize(MAX_POOL_SIZE)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, endpoint.timeout().toMillis()))
                .setTryUseCompression(true));
    }

    /** Path appended to the base URL, starting with '/'. */
    abstract String path(ChatRequest request);

    /** Adds the provider's auth and version headers; must not log or echo the key. */
    abstract void addHeaders(HttpRequest<Buffer> http);

    abstract JsonObject body(ChatRequest request);

    /** Reads a 2xx JSON body; throws {@link ModelCallException} (via {@link #fail}) for refusals and gaps. */
    abstract ChatResult parse(ChatRequest request, JsonObject json, String rawBody, Duration latency);

    /** Whether a non-2xx, non-429, non-5xx response is the provider's safety refusal. */
    boolean isContentBlocked(int status, JsonObject errorJson) {
        return false;
    }

    /** Whether a 429 means a used-up billing quota that waiting will not restore. */
    boolean isQuotaExhausted(JsonObject errorJson) {
        return false;
    }

    /** A retry delay carried in an error body rather than a header. */
    Optional<Duration> retryAfterFromBody(JsonObject errorJson) {
        return Optional.empty();
    }

    @Override
    public final Uni<ChatResult> complete(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        Duration timeout = endpoint.timeout();
        // deferred: each subscription (including a caller's retry) builds and sends a new request
        return Uni.createFrom().deferred(() -> {
                    JsonObject body = body(request);
                    HttpRequest<Buffer> http = client.postAbs(base + path(request))
                            // per-request timeout closes the connection if the server goes quiet ...
                            .timeout(timeout.toMillis());
                    addHeaders(http);
                    long start = System.nanoTime();
                    return http.sendJsonObject(body)
                            .map(resp -> handle(request, resp, Duration.ofNanos(System.nanoTime() - start)));
                })
                // ... and this bounds the whole call, which a slowly trickling body would otherwise stretch
                .ifNoItem().after(timeout)
                .failWith(DeadlineExceeded::new)
                .onFailure().transform(t -> classifyTransport(request, t));
    }

    @Override
    public void close() {
        client.close();
    }

    private ChatResult handle(ChatRequest request, HttpResponse<Buffer> resp, Duration latency) {
        int status = resp.statusCode();
        // scrubbed before anything is derived from it, so no excerpt can cut a key in half and keep a prefix
        String raw = redact(resp.bodyAsString());
        if (status >= 200 && status < 300) {
            JsonObject json = parseJsonObject(raw);
            if (json == null) {
                throw fail(Kind.INVALID_OUTPUT, request, status, "response body is not a JSON object", raw);
            }
            try {
                return parse(request, json, raw, latency);
            } catch (ClassCastException e) {
                // a field of the wrong JSON type, e.g. "content": 5
                throw fail(Kind.INVALID_OUTPUT, request, status, "unexpected JSON type: " + e.getMessage(), raw);
            }
        }
        throw errorFor(request, status, resp.headers(), raw);
    }

    private ModelCallException errorFor(ChatRequest request, int status, MultiMap headers, String raw) {
        JsonObject json = parseJsonObject(raw);
        String detail = errorMessage(json);
        if (status == 429) {
            if (json != null && isQuotaExhausted(json)) {
                return fail(Kind.CLIENT_ERROR, request, status, withDetail("billing quota exhausted", detail), raw);
            }
            Optional<Duration> wait = RetryAfter.parseMillis(headers.get("retry-after-ms"))
                    .or(() -> RetryAfter.parseHeader(headers.get("Retry-After"), clock))
                    .or(() -> json == null ? Optional.empty() : retryAfterFromBody(json));
            return new ModelCallException(Kind.RATE_LIMITED, provider(), request.model(), status,
                    redact(withDetail("rate limited", detail)), excerpt(raw), wait.orElse(null), null);
        }
        if (status == 408) {
            return fail(Kind.TIMEOUT, request, status, withDetail("server timed out the request", detail), raw);
        }
        if (status >= 500) {
            return fail(Kind.SERVER_ERROR, request, status, withDetail("server error", detail), raw);
        }
        if (status >= 400 && json != null && isContentBlocked(status, json)) {
            return fail(Kind.CONTENT_BLOCKED, request, status, withDetail("refused by content policy", detail), raw);
        }
        // other 4xx, and 1xx/3xx which a POST to a correct base URL never gets
        return fail(Kind.CLIENT_ERROR, request, status, withDetail("request rejected", detail), raw);
    }

    private Throwable classifyTransport(ChatRequest request, Throwable t) {
        if (t instanceof ModelCallException) {
            return t;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            // io.netty's ConnectTimeoutException is a ConnectException, so timeouts are checked by name first
            if (c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")) {
                String detail = "no complete response within " + endpoint.timeout();
                if (!(c instanceof DeadlineExceeded)) {
                    detail += " (" + describe(c) + ")";
                }
                return new ModelCallException(Kind.TIMEOUT, provider(), request.model(), 0, redact(detail),
                        null, null, t);
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof VertxException) {
                return new ModelCallException(Kind.CONNECTION, provider(), request.model(), 0,
                        redact("connection failed: " + describe(c)), null, null, t);
            }
        }
        return t; // a bug, not a model failure: let it surface as itself
    }

    /** Builds a classified exception with the provider, model, status and a redacted body excerpt. */
    final ModelCallException fail(Kind kind, ChatRequest request, int status, String detail, String rawBody) {
        return new ModelCallException(kind, provider(), request.model(), status, redact(detail), excerpt(rawBody),
                null, null);
    }

    // ---- JSON helpers shared by the protocols ----

    /** Standard (not URL-safe) base64 with padding; Vert.x would encode a raw byte[] URL-safe, which APIs reject. */
    static String base64(ImageInput image) {
        return Base64.getEncoder().encodeToString(image.bytes());
    }

    static JsonObject parseJsonObject(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            Object v = io.vertx.core.json.Json.decodeValue(raw);
            return v instanceof JsonObject o ? o : null;
        } catch (DecodeException e) {
            return null;
        }
    }

    static int intOrZero(JsonObject o, String key) {
        if (o == null) {
            return 0;
        }
        Object v = o.getValue(key);
        return v instanceof Number n ? n.intValue() : 0;
    }

    static JsonObject objectOrNull(JsonObject o, String key) {
        Object v = o == null ? null : o.getValue(key);
        return v instanceof JsonObject j ? j : null;
    }

    static JsonArray arrayOrNull(JsonObject o, String key) {
        Object v = o == null ? null : o.getValue(key);
        return v instanceof JsonArray a ? a : null;
    }

    static String stringOrNull(JsonObject o, String key) {
        Object v = o == null ? null : o.getValue(key);
        return v instanceof String s ? s : null;
    }

    /** The human message of an error body in the shapes seen across providers and self-hosted servers. */
    static String errorMessage(JsonObject json) {
        if (json == null) {
            return null;
        }
        Object error = json.getValue("error");
        if (error instanceof JsonObject e && e.getValue("message") instanceof String m) {
            return m; // OpenAI, Gemini, Anthropic
        }
        if (error instanceof String s) {
            return s; // Ollama, TGI
        }
        return stringOrNull(json, "message"); // vLLM's {"object":"error","message":...}
    }

    private static String withDetail(String what, String providerMessage) {
        if (providerMessage == null || providerMessage.isBlank()) {
            return what;
        }
        return what + ": " + shorten(providerMessage, 200);
    }

    private String excerpt(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return shorten(redact(raw), EXCERPT_CHARS);
    }

    private static String shorten(String s, int max) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() <= max ? flat : flat.substring(0, max) + "...";
    }

    // servers echo keys back ("Incorrect API key provided: sk-..."); the key must never reach logs
    private String redact(String s) {
        String key = endpoint.apiKey();
        if (s == null || key == null) {
            return s;
        }
        return s.replace(key, REDACTED);
    }

    /** Our own overall deadline, told apart from Vert.x's timeouts only to keep messages short. */
    private static final class DeadlineExceeded extends TimeoutException {
        private static final long serialVersionUID = 1L;

        DeadlineExceeded() {
            super("overall deadline exceeded");
        }
    }

    private static String describe(Throwable c) {
        return c.getMessage() == null ? c.getClass().getSimpleName()
                : c.getClass().getSimpleName() + ": " + c.getMessage();
    }
}
