package dev.spavl.generator.service;

import io.smallrye.mutiny.CompositeException;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Why an image's events could not be published, and whether publishing them again can succeed.
 *
 * <p>Permanent (the same records fail the same way every time, so the image is rejected at once): a record the
 * serializer cannot write ({@link SerializationException}, an Avro error), one the producer or broker refuses for
 * what it is (any Kafka {@link ApiException} that is not a {@link RetriableException}: {@code RecordTooLargeException},
 * {@code InvalidRecordException}, {@code InvalidTopicException}, ...), and a schema the registry refuses (an HTTP
 * 4xx answer other than 408 and 429). Everything else (timeouts, a broker or registry out of reach: an I/O error
 * anywhere among the causes) may pass on a later attempt.
 */
public record PublishFailure(boolean permanent, String detail) {

    /** The reason a run's report gives for an image whose events could not be published. */
    public enum Reason { PUBLISH_FAILED }

    public static PublishFailure of(Throwable failure) {
        List<Throwable> chain = causes(failure);
        // a serializer's error caused by the registry being out of reach is no verdict on the record
        boolean unreachable = chain.stream().anyMatch(t -> t instanceof IOException);
        for (Throwable t : chain) {
            if (!unreachable && refusedForWhatItIs(t)) {
                return new PublishFailure(true, describe(t));
            }
        }
        return new PublishFailure(false, describe(chain.get(0)));
    }

    private static boolean refusedForWhatItIs(Throwable t) {
        if (t instanceof SerializationException || t instanceof AvroRuntimeException) {
            return true;
        }
        if (t instanceof ApiException) {
            return !(t instanceof RetriableException);
        }
        if (t instanceof com.microsoft.kiota.ApiException registry) {
            int status = registry.getResponseStatusCode();
            return status >= 400 && status < 500 && status != 408 && status != 429;
        }
        return false;
    }

    /** The failure and its causes, a composite's members included, outermost first. */
    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> out = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> todo = new ArrayList<>(List.of(failure));
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(0);
            if (t == null || !seen.add(t)) {
                continue;
            }
            out.add(t);
            if (t instanceof CompositeException composite) {
                todo.addAll(composite.getCauses());
            }
            todo.add(t.getCause());
        }
        return out;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
