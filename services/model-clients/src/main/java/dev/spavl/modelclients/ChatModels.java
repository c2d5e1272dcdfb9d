package dev.spavl.modelclients;

import io.vertx.mutiny.core.Vertx;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Picks the client implementation for an endpoint's provider. */
public final class ChatModels {

    /** Provider names {@link #create} understands. */
    public static final List<String> KNOWN_PROVIDERS = List.of(
            OpenAiCompatibleChatModel.PROVIDER, GeminiChatModel.PROVIDER, AnthropicChatModel.PROVIDER);

    private ChatModels() {
    }

    /**
     * Creates a client for {@code endpoint.provider()} (case-insensitive). The client shares the caller's
     * {@code vertx}; close the client when done with it, the {@code vertx} stays the caller's to close.
     *
     * @throws IllegalArgumentException for a provider name outside {@link #KNOWN_PROVIDERS}
     */
    public static ChatModel create(Vertx vertx, ModelEndpoint endpoint) {
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(endpoint, "endpoint");
        return switch (endpoint.provider().trim().toLowerCase(Locale.ROOT)) {
            case OpenAiCompatibleChatModel.PROVIDER -> new OpenAiCompatibleChatModel(vertx, endpoint);
            case GeminiChatModel.PROVIDER -> new GeminiChatModel(vertx, endpoint);
            case AnthropicChatModel.PROVIDER -> new AnthropicChatModel(vertx, endpoint);
            default -> throw new IllegalArgumentException("unknown model provider '" + endpoint.provider()
                    + "'; known providers: " + String.join(", ", KNOWN_PROVIDERS));
        };
    }
}
