package dev.spavl.modelclients;

import io.smallrye.mutiny.Uni;

/**
 * One chat-style model reachable over HTTP: a single user turn (text plus at most one image) in, text out.
 *
 * <p>The returned {@link Uni} is lazy and re-runnable: nothing is sent until it is subscribed, and every
 * subscription sends a fresh request. Callers own retries (e.g. {@code onFailure(...).retry()}), steered by
 * {@link ModelCallException#kind()}, {@link ModelCallException#retryable()} and
 * {@link ModelCallException#retryAfter()}.
 *
 * <p>Items and failures are delivered on a Vert.x event-loop thread (or a Mutiny timer thread for the
 * overall timeout): never block in downstream stages.
 */
public interface ChatModel extends AutoCloseable {

    /**
     * Sends the request. Fails with {@link ModelCallException} for every HTTP, transport, timeout, safety or
     * parsing problem; any other exception is a bug in the caller's input or in this library.
     */
    Uni<ChatResult> complete(ChatRequest request);

    /** The provider name this client speaks: {@code openai}, {@code gemini} or {@code anthropic}. */
    String provider();

    /** Releases the HTTP connection pool. The {@code Vertx} instance belongs to the caller and stays open. */
    @Override
    default void close() {
    }
}
