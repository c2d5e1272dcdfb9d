package dev.spavl.modelclients;

import dev.spavl.responder.starter.ModelFailure.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Google Gemini API {@code POST {baseUrl}/v1beta/models/{model}:generateContent}, key in the
 * {@code x-goog-api-key} header (never in the URL, where it would end up in access logs and error messages).
 */
public final class GeminiChatModel extends HttpChatModel {

    public static final String PROVIDER = "gemini";

    // finish reasons that mean "stopped by a safety/policy filter" (RECITATION is copyright, not safety)
    private static final Set<String> SAFETY_FINISH =
            Set.of("SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY");
    private static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";

    public GeminiChatModel(Vertx vertx, ModelEndpoint endpoint) {
        super(vertx, endpoint);
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    String path(ChatRequest request) {
        String model = request.model();
        // accept the resource name form ("models/gemini-...") that the API itself returns
        if (model.startsWith("models/")) {
            model = model.substring("models/".length());
        }
        return "/v1beta/models/" + model + ":generateContent";
    }

    @Override
    void addHeaders(HttpRequest<Buffer> http) {
        if (endpoint.apiKey() != null) {
            http.putHeader("x-goog-api-key", endpoint.apiKey());
        }
    }

    @Override
    JsonObject body(ChatRequest request) {
        JsonArray parts = new JsonArray();
        if (request.image() != null) {
            parts.add(new JsonObject().put("inline_data", new JsonObject()
                    .put("mime_type", request.image().mime())
                    .put("data", base64(request.image()))));
        }
        if (!request.userText().isEmpty()) {
            parts.add(new JsonObject().put("text", request.userText()));
        }
        Decoding d = request.decoding();
        JsonObject body = new JsonObject()
                .put("contents", new JsonArray().add(new JsonObject().put("role", "user").put("parts", parts)))
                .put("generationConfig", new JsonObject()
                        .put("temperature", d.temperature())
                        .put("topP", d.topP())
                        .put("maxOutputTokens", d.maxTokens()));
        if (request.systemPrompt() != null) {
            body.put("systemInstruction", new JsonObject()
                    .put("parts", new JsonArray().add(new JsonObject().put("text", request.systemPrompt()))));
        }
        return body;
    }

    @Override
    ChatResult parse(ChatRequest request, JsonObject json, String rawBody, Duration latency) {
        String blockReason = stringOrNull(objectOrNull(json, "promptFeedback"), "blockReason");
        if (blockReason != null) {
            throw fail(Kind.CONTENT_BLOCKED, request, 200, "prompt blocked: " + blockReason, rawBody);
        }
        JsonArray candidates = arrayOrNull(json, "candidates");
        if (candidates == null || candidates.isEmpty() || !(candidates.getValue(0) instanceof JsonObject cand)) {
            throw fail(Kind.INVALID_OUTPUT, request, 200, "no candidates in response", rawBody);
        }
        String finish = stringOrNull(cand, "finishReason");
        if (finish != null && SAFETY_FINISH.contains(finish)) {
            throw fail(Kind.CONTENT_BLOCKED, request, 200, "finishReason " + finish, rawBody);
        }
        JsonArray parts = arrayOrNull(objectOrNull(cand, "content"), "parts");
        StringBuilder text = new StringBuilder();
        boolean anyText = false;
        if (parts != null) {
            for (Object p : parts) {
                // thought summaries (thinking models) are not the answer
                if (p instanceof JsonObject part && !Boolean.TRUE.equals(part.getValue("thought"))
                        && part.getValue("text") instanceof String t) {
                    text.append(t);
                    anyText = true;
                }
            }
        }
        // a candidate with no text is only a (possibly empty) answer if the model said why it stopped
        if (!anyText && finish == null) {
            throw fail(Kind.INVALID_OUTPUT, request, 200, "candidate without text", rawBody);
        }
        JsonObject usage = objectOrNull(json, "usageMetadata");
        String served = stringOrNull(json, "modelVersion");
        return new ChatResult(text.toString(), finish, intOrZero(usage, "promptTokenCount"),
                intOrZero(usage, "candidatesTokenCount"), latency, served != null ? served : request.model());
    }

    /** Gemini's 429s usually carry no Retry-After header, only a google.rpc.RetryInfo in error.details. */
    @Override
    Optional<Duration> retryAfterFromBody(JsonObject errorJson) {
        JsonArray details = arrayOrNull(objectOrNull(errorJson, "error"), "details");
        if (details == null) {
            return Optional.empty();
        }
        for (Object d : details) {
            if (d instanceof JsonObject detail && RETRY_INFO.equals(detail.getValue("@type"))) {
                return RetryAfter.parseProtoDuration(stringOrNull(detail, "retryDelay"));
            }
        }
        return Optional.empty();
    }
}
