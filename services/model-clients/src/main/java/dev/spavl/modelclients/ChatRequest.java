package dev.spavl.modelclients;

import java.util.Objects;

/**
 * One single-turn request.
 *
 * @param model        the provider's model id ({@code gpt-4o}, {@code gemini-2.0-flash}, {@code claude-...},
 *                     or whatever a self-hosted OpenAI-compatible server was started with)
 * @param systemPrompt optional system instruction; {@code null} sends none
 * @param userText     the user's text; required (may be empty only if an image is given)
 * @param image        optional image; {@code null} sends text only
 * @param decoding     sampling settings; {@code null} means {@link Decoding#defaults()}
 */
public record ChatRequest(String model, String systemPrompt, String userText, ImageInput image, Decoding decoding) {

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(userText, "userText");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model is blank");
        }
        if (userText.isEmpty() && image == null) {
            throw new IllegalArgumentException("a request needs user text or an image");
        }
        if (decoding == null) {
            decoding = Decoding.defaults();
        }
    }
}
