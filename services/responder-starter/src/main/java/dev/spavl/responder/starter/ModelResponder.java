package dev.spavl.responder.starter;

/**
 * A model behind one responder lane: one question and its image in, one answer out.
 *
 * <p>The lane around it does everything else the responder contract asks for (docs/responder-contract.md):
 * it consumes {@code <prefix>.requests.<model>}, fetches and checks the image, drops republished requests,
 * applies the catalog's rate limits and circuit breaker, retries transient failures (in process, then through
 * the retry topic), dead-letters what never succeeds, publishes exactly one {@code ResponseOutcome} per request,
 * heartbeats, metrics, log context and trace context. The built-in lanes (the simulated personas and the
 * OpenAI-compatible, Gemini and Anthropic clients) are implementations of this interface too.
 *
 * <p>To add a model in Java: a CDI bean implementing this interface, annotated with a scope and
 * {@link Responds @Responds("<model id>")}, plus a catalog entry with {@code provider: custom} for that id
 * (services/responder-starter/README.md).
 *
 * <p>Threading: the lane calls {@link #answer} from its worker threads, up to the catalog's {@code concurrency}
 * at once, so an implementation must be thread-safe. A call may block (the workers are plain threads), but the
 * lane does not interrupt it: bound the call yourself (e.g. the client's timeout) and throw
 * {@link ModelFailure.Timeout} when it expires.
 */
public interface ModelResponder {

    /**
     * Answers one question about one image.
     *
     * @return the model's answer; the lane publishes it as an OK outcome
     * @throws ModelFailure when the model gave no usable answer: a {@linkplain ModelFailure#retryable() retryable}
     *                      one is retried by the lane, any other ends the request with a FAILED outcome at once. Any
     *                      other exception is treated as a bug: the lane stops (its requests are redelivered on restart)
     */
    Answer answer(Question question, Image image);
}
