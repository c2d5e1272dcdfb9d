package dev.spavl.modelclients;

import dev.spavl.responder.starter.ModelFailure.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import java.time.Duration;

/**
 * OpenAI Chat Completions ({@code POST {baseUrl}/chat/completions}) as spoken by OpenAI and by self-hosted
 * servers (vLLM, Ollama, TGI, LM Studio, LiteLLM). The Bearer key is optional because local servers
 * usually run without one.
 */
public final class OpenAiCompatibleChatModel extends HttpChatModel {

    public static final String PROVIDER = "openai";

    public OpenAiCompatibleChatModel(Vertx vertx, ModelEndpoint endpoint) {
        super(vertx, endpoint);
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    String path(ChatRequest request) {
        return "/chat/completions";
    }

    @Override
    void addHeaders(HttpRequest<Buffer> http) {
        if (endpoint.apiKey() != null) {
            http.bearerTokenAuthentication(endpoint.apiKey());
        }
    }

    @Override
    JsonObject body(ChatRequest request) {
        JsonArray messages = new JsonArray();
        if (request.systemPrompt() != null) {
            messages.add(new JsonObject().put("role", "system").put("content", request.systemPrompt()));
        }
        Object userContent;
        if (request.image() == null) {
            // a plain string, since text-only servers (older Ollama/TGI builds) reject content-part arrays
            userContent = request.userText();
        } else {
            JsonArray parts = new JsonArray().add(new JsonObject()
                    .put("type", "image_url")
                    .put("image_url", new JsonObject().put("url",
                            "data:" + request.image().mime() + ";base64," + base64(request.image()))));
            if (!request.userText().isEmpty()) {
                parts.add(new JsonObject().put("type", "text").put("text", request.userText()));
            }
            userContent = parts;
        }
        messages.add(new JsonObject().put("role", "user").put("content", userContent));
        Decoding d = request.decoding();
        // max_tokens rather than max_completion_tokens: the latter is unknown to many self-hosted servers
        return new JsonObject()
                .put("model", request.model())
                .put("messages", messages)
                .put("temperature", d.temperature())
                .put("top_p", d.topP())
                .put("max_tokens", d.maxTokens())
                .put("stream", false);
    }

    @Override
    ChatResult parse(ChatRequest request, JsonObject json, String rawBody, Duration latency) {
        JsonArray choices = arrayOrNull(json, "choices");
        if (choices == null || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject choice)) {
            throw fail(Kind.INVALID_OUTPUT, request, 200, "no choices in response", rawBody);
        }
        String finish = stringOrNull(choice, "finish_reason");
        if ("content_filter".equals(finish)) {
            throw fail(Kind.CONTENT_BLOCKED, request, 200, "finish_reason content_filter", rawBody);
        }
        JsonObject message = objectOrNull(choice, "message");
        if (message == null) {
            throw fail(Kind.INVALID_OUTPUT, request, 200, "choice without message", rawBody);
        }
        String text = text(message.getValue("content"));
        if (text == null) {
            String refusal = stringOrNull(message, "refusal");
            if (refusal != null && !refusal.isEmpty()) {
                // OpenAI's dedicated refusal channel: content is null and the refusal explains why
                throw fail(Kind.CONTENT_BLOCKED, request, 200, "model refusal: " + refusal, rawBody);
            }
            throw fail(Kind.INVALID_OUTPUT, request, 200, "message without text content", rawBody);
        }
        JsonObject usage = objectOrNull(json, "usage");
        String served = stringOrNull(json, "model");
        return new ChatResult(text, finish, intOrZero(usage, "prompt_tokens"), intOrZero(usage, "completion_tokens"),
                latency, served != null ? served : request.model());
    }

    /** Content is normally a string; a few servers answer with text parts like the request's. */
    private static String text(Object content) {
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof JsonArray parts) {
            StringBuilder sb = new StringBuilder();
            boolean any = false;
            for (Object p : parts) {
                if (p instanceof JsonObject part && "text".equals(part.getValue("type"))
                        && part.getValue("text") instanceof String t) {
                    sb.append(t);
                    any = true;
                }
            }
            return any ? sb.toString() : null;
        }
        return null;
    }

    @Override
    boolean isContentBlocked(int status, JsonObject errorJson) {
        JsonObject error = objectOrNull(errorJson, "error");
        String code = stringOrNull(error, "code");
        // content_policy_violation: OpenAI (e.g. images); content_filter: Azure OpenAI's prompt filter
        return status == 400 && ("content_policy_violation".equals(code) || "content_filter".equals(code));
    }

    @Override
    boolean isQuotaExhausted(JsonObject errorJson) {
        JsonObject error = objectOrNull(errorJson, "error");
        return "insufficient_quota".equals(stringOrNull(error, "code"))
                || "insufficient_quota".equals(stringOrNull(error, "type"));
    }
}
