package dev.spavl.modelclients;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A successful completion.
 *
 * @param text         the generated text (text parts concatenated); may be empty when the model stopped
 *                     before writing anything, e.g. on the token limit
 * @param finishReason the provider's own word, unchanged ({@code stop}/{@code length},
 *                     {@code STOP}/{@code MAX_TOKENS}, {@code end_turn}/{@code max_tokens}, ...);
 *                     {@code null} if the server gave none
 * @param tokensIn     prompt tokens as reported by the server, 0 if it reports no usage
 * @param tokensOut    generated tokens as reported by the server, 0 if it reports no usage
 * @param latency      from sending the request to having the whole response body
 * @param rawModel     the model (version) the server says answered, else the requested model id
 */
public record ChatResult(String text, String finishReason, int tokensIn, int tokensOut, Duration latency,
                         String rawModel) {

    public ChatResult {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(latency, "latency");
    }

    /** Whether generation stopped on the token limit, in any provider's vocabulary. */
    public boolean truncated() {
        if (finishReason == null) {
            return false;
        }
        String r = finishReason.toLowerCase(Locale.ROOT);
        return r.equals("length") || r.equals("max_tokens");
    }
}
