package dev.spavl.modelclients;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach a model provider.
 *
 * @param provider {@code openai} (any OpenAI-compatible server), {@code gemini} or {@code anthropic}
 * @param baseUrl  the prefix the protocol's path is appended to: for OpenAI-compatible servers it includes
 *                 the version ({@code https://api.openai.com/v1}, {@code http://vllm:8000/v1}); for Gemini
 *                 and Anthropic it is the host ({@code https://generativelanguage.googleapis.com},
 *                 {@code https://api.anthropic.com})
 * @param apiKey   optional; {@code null} or blank sends no credentials (self-hosted servers, auth proxies)
 * @param timeout  deadline for one whole call, from sending to having the full response
 */
public record ModelEndpoint(String provider, URI baseUrl, String apiKey, Duration timeout) {

    public ModelEndpoint {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(timeout, "timeout");
        if (provider.isBlank()) {
            throw new IllegalArgumentException("provider is blank");
        }
        String scheme = baseUrl.getScheme();
        if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL: " + baseUrl);
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (apiKey != null && apiKey.isBlank()) {
            apiKey = null;
        }
    }

    /** Base URL as a string without trailing slashes, ready for appending a path. */
    String base() {
        String s = baseUrl.toString();
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }

    // the generated toString would print the key into every log line that mentions an endpoint
    @Override
    public String toString() {
        return "ModelEndpoint[provider=" + provider + ", baseUrl=" + baseUrl + ", apiKey="
                + (apiKey == null ? "none" : "***") + ", timeout=" + timeout + "]";
    }
}
