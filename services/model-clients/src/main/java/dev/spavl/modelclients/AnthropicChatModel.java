package dev.spavl.modelclients;

import dev.spavl.responder.starter.ModelFailure.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import java.time.Duration;

/** Anthropic Messages API {@code POST {baseUrl}/v1/messages}, API version 2023-06-01. */
public final class AnthropicChatModel extends HttpChatModel {

    public static final String PROVIDER = "anthropic";
    static final String API_VERSION = "2023-06-01";

    public AnthropicChatModel(Vertx vertx, ModelEndpoint endpoint) {
        super(vertx, endpoint);
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    String path(ChatRequest request) {
        return "/v1/messages";
    }

    @Override
    void addHeaders(HttpRequest<Buffer> http) {
        http.putHeader("anthropic-version", API_VERSION);
        if (endpoint.apiKey() != null) {
            http.putHeader("x-api-key", endpoint.apiKey());
        }
    }

    @Override
    JsonObject body(ChatRequest request) {
        JsonArray content = new JsonArray();
        if (request.image() != null) {
            // image before text, as Anthropic recommends for single-image prompts
            content.add(new JsonObject().put("type", "image").put("source", new JsonObject()
                    .put("type", "base64")
                    .put("media_type", request.image().mime())
                    .put("data", base64(request.image()))));
        }
        if (!request.userText().isEmpty()) {
            content.add(new JsonObject().put("type", "text").put("text", request.userText()));
        }
        Decoding d = request.decoding();
        JsonObject body = new JsonObject()
                .put("model", request.model())
                .put("max_tokens", d.maxTokens())
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)))
                .put("temperature", d.temperature());
        // newer Claude models reject temperature and top_p together; send top_p only when it restricts
        if (d.restrictsTopP()) {
            body.put("top_p", d.topP());
        }
        if (request.systemPrompt() != null) {
            body.put("system", request.systemPrompt());
        }
        return body;
    }

    @Override
    ChatResult parse(ChatRequest request, JsonObject json, String rawBody, Duration latency) {
        String stop = stringOrNull(json, "stop_reason");
        if ("refusal".equals(stop)) {
            throw fail(Kind.CONTENT_BLOCKED, request, 200, "stop_reason refusal", rawBody);
        }
        JsonArray content = arrayOrNull(json, "content");
        if (content == null) {
            throw fail(Kind.INVALID_OUTPUT, request, 200, "no content array in response", rawBody);
        }
        StringBuilder text = new StringBuilder();
        boolean anyText = false;
        for (Object b : content) {
            // skip thinking/tool_use blocks: only text blocks are the answer
            if (b instanceof JsonObject block && "text".equals(block.getValue("type"))
                    && block.getValue("text") instanceof String t) {
                text.append(t);
                anyText = true;
            }
        }
        // no text is only a (possibly empty) answer if the model said why it stopped
        if (!anyText && stop == null) {
            throw fail(Kind.INVALID_OUTPUT, request, 200, "no text block and no stop_reason", rawBody);
        }
        JsonObject usage = objectOrNull(json, "usage");
        String served = stringOrNull(json, "model");
        return new ChatResult(text.toString(), stop, intOrZero(usage, "input_tokens"),
                intOrZero(usage, "output_tokens"), latency, served != null ? served : request.model());
    }
}
