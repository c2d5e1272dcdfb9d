package dev.spavl.packager.service;

import dev.spavl.db.TransientDatabaseFailure;
import dev.spavl.observability.RecordLogContext;
import dev.spavl.packager.persistence.ProcessedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The idempotent-consumer step every packager consumer shares, in a transaction of its own: an event whose id is
 * already in processed_events is skipped; otherwise the change runs and the id is recorded in the same
 * transaction, so a redelivery changes nothing.
 *
 * <p>A transaction that fails because PostgreSQL is unreachable, restarting, overloaded, or picked it as a
 * deadlock victim is retried with backoff until it succeeds ({@link TransientDatabaseFailure}), holding up that
 * partition instead of dead-lettering an event that is fine: an outage delays the dataset, it does not lose
 * questions or verdicts. Any other failure goes to the channel's dead-letter topic as before.
 */
@ApplicationScoped
public class EventOnce {

    private static final Logger LOG = Logger.getLogger(EventOnce.class);
    private static final String APPLIED = "applied";
    private static final String DUPLICATE = "duplicate";

    private final MeterRegistry metrics;

    public EventOnce(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /** The ids of the event's record, as log context (MDC) while it is applied; null where an event has none. */
    public record Ids(String runId, String questionId, String modelId) {
    }

    public Uni<Void> apply(String eventId, String eventType, String consumer, String topic, Ids ids, Supplier<Uni<Void>> change) {
        // set on the record's own Vert.x duplicated context, where Quarkus keeps the MDC: it follows the reactive
        // chain and is cleared when the event is done
        return Uni.createFrom().deferred(() -> {
            RecordLogContext logIds = RecordLogContext.of(ids.runId(), ids.questionId(), ids.modelId());
            return applyOnce(eventId, eventType, consumer, topic, change).eventually(logIds::close);
        });
    }

    private Uni<Void> applyOnce(String eventId, String eventType, String consumer, String topic, Supplier<Uni<Void>> change) {
        // counted once the transaction has committed: a transaction retried after an outage is not counted twice
        return retryWhileUnavailable(() -> Panache.withTransaction(() -> once(eventId, eventType, consumer, topic, change)),
                eventType, consumer, eventId)
                .invoke(outcome -> count(eventType, outcome))
                .replaceWithVoid();
    }

    /**
     * The same step for a poll's worth of events in one transaction: the ids are recorded in one statement that
     * returns those not recorded before, and {@code change} receives these (each at most once, in the batch's order).
     * A batch that fails for another reason than the database being unavailable fails as a whole; the caller decides
     * what to do with its events. Events are counted once the transaction has committed, so a retried batch is not
     * counted twice.
     */
    public Uni<Void> applyBatch(List<String> eventIds, String eventType, String consumer, String topic,
            Function<Set<String>, Uni<Void>> change) {
        return retryWhileUnavailable(() -> Panache.withTransaction(() -> batchOnce(eventIds, consumer, topic, change)),
                eventType, consumer, "batch of " + eventIds.size())
                .invoke(fresh -> {
                    count(eventType, APPLIED, fresh);
                    count(eventType, DUPLICATE, eventIds.size() - fresh);
                })
                .replaceWithVoid();
    }

    /** Applies the batch's new events; emits how many there were. */
    private Uni<Integer> batchOnce(List<String> eventIds, String consumer, String topic, Function<Set<String>, Uni<Void>> change) {
        // recording the ids first tells which ones are new: a redelivered id conflicts and is not returned; the whole
        // transaction, records included, rolls back if the change fails
        return IndexPaths.prefer().chain(Panache::getSession).flatMap(s -> SessionSql.select(s, "insert into processed_events (event_id, consumer, topic, processed_at)"
                                + " select distinct e, $2, $3, now() from unnest(cast($1 as varchar[])) as e"
                                + " on conflict (event_id) do nothing returning event_id",
                        eventIds.toArray(String[]::new), consumer, topic)
                .flatMap(recorded -> {
                    Set<String> fresh = new LinkedHashSet<>(eventIds);
                    Set<String> inserted = new HashSet<>();
                    recorded.forEach(row -> inserted.add((String) row[0]));
                    fresh.retainAll(inserted);
                    return (fresh.isEmpty() ? Uni.createFrom().voidItem() : change.apply(fresh)).replaceWith(fresh.size());
                }));
    }

    private <T> Uni<T> retryWhileUnavailable(Supplier<Uni<T>> transaction, String eventType, String consumer, String what) {
        return TransientDatabaseFailure.retriedWhileTransient(transaction, f -> {
            metrics.counter("spavl.packager.event.retries", "event", eventType).increment();
            LOG.warnf("%s: %s %s not applied, the database is unavailable (%s); retrying", consumer, eventType, what,
                    TransientDatabaseFailure.describe(f));
        });
    }

    /** Applies the event unless it was before; emits the outcome to count ("applied" or "duplicate"). */
    private Uni<String> once(String eventId, String eventType, String consumer, String topic, Supplier<Uni<Void>> change) {
        return ProcessedEvent.<ProcessedEvent>findById(eventId).flatMap(seen -> {
            if (seen != null) {
                LOG.debugf("%s: duplicate %s %s skipped", consumer, eventType, eventId);
                return Uni.createFrom().item(DUPLICATE);
            }
            return change.get()
                    .call(() -> ProcessedEvent.of(eventId, consumer, topic).persist())
                    .replaceWith(APPLIED);
        });
    }

    private void count(String eventType, String outcome) {
        count(eventType, outcome, 1);
    }

    private void count(String eventType, String outcome, int n) {
        if (n > 0) {
            metrics.counter("spavl.packager.events", "event", eventType, "outcome", outcome).increment(n);
        }
    }
}
