package dev.spavl.contracts.topics;

import java.util.Objects;
import java.util.Optional;

/**
 * How spavl's topic names are made, in one place: {@code <prefix>.<name>} for a topic of the list
 * ({@code schemas/topics.yaml}), {@code <prefix>.requests.<model>} for a responder model's requests, and beside each
 * topic with dead-lettering its retry topic {@code <topic>.retry} and its dead-letter topic {@code <topic>.dlq}. Every
 * service, the console, the lag monitor and {@link TopicCatalog} build and read names with these, not by hand.
 */
public final class TopicNames {

    public static final String RETRY_SUFFIX = ".retry";
    public static final String DEAD_LETTER_SUFFIX = ".dlq";
    /** The list's name of the per-model request topics, before the model id. */
    private static final String REQUESTS = "requests.";

    private TopicNames() {
    }

    /** {@code <prefix>.<relative>}, e.g. ("spavl", "responses") -> "spavl.responses". */
    public static String of(String prefix, String relative) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(relative, "relative");
        return prefix + "." + relative;
    }

    /** A responder model's request topic: {@code <prefix>.requests.<model>}. */
    public static String requests(String prefix, String modelId) {
        return requestsPrefix(prefix) + Objects.requireNonNull(modelId, "modelId");
    }

    /** What every request topic's name starts with: {@code <prefix>.requests.}. */
    public static String requestsPrefix(String prefix) {
        return of(prefix, REQUESTS);
    }

    /**
     * The model of a request topic (not its retry or dead-letter topic): "otter" for {@code spavl.requests.otter};
     * empty for any other name.
     */
    public static Optional<String> modelOfRequests(String prefix, String topic) {
        String start = requestsPrefix(prefix);
        if (topic == null || !topic.startsWith(start) || topic.length() == start.length()
                || isRetry(topic) || isDeadLetter(topic)) {
            return Optional.empty();
        }
        return Optional.of(topic.substring(start.length()));
    }

    public static String retryOf(String topic) {
        return Objects.requireNonNull(topic, "topic") + RETRY_SUFFIX;
    }

    public static String deadLetterOf(String topic) {
        return Objects.requireNonNull(topic, "topic") + DEAD_LETTER_SUFFIX;
    }

    public static boolean isRetry(String topic) {
        return topic != null && topic.endsWith(RETRY_SUFFIX);
    }

    public static boolean isDeadLetter(String topic) {
        return topic != null && topic.endsWith(DEAD_LETTER_SUFFIX);
    }

    /** A dead-letter topic of this prefix: {@code <prefix>.<topic>.dlq} with a topic name between. */
    public static boolean isDeadLetterOf(String prefix, String topic) {
        return topic != null && topic.startsWith(prefix + ".") && isDeadLetter(topic)
                && topic.length() > prefix.length() + 1 + DEAD_LETTER_SUFFIX.length();
    }

    /** The topic a retry or dead-letter topic stands beside ("spavl.responses" for "spavl.responses.dlq"); else itself. */
    public static String mainOf(String topic) {
        if (isRetry(topic)) {
            return topic.substring(0, topic.length() - RETRY_SUFFIX.length());
        }
        if (isDeadLetter(topic)) {
            return topic.substring(0, topic.length() - DEAD_LETTER_SUFFIX.length());
        }
        return topic;
    }
}
