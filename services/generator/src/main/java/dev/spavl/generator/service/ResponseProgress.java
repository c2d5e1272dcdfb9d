package dev.spavl.generator.service;

import dev.spavl.events.ResponseOutcome;
import dev.spavl.generator.persistence.ProcessedEvent;
import dev.spavl.generator.persistence.RunRecord;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Instant;

/**
 * Counts the responses of each run (from spavl.responses), so the worker knows how many of a run's
 * requests still await an answer (backpressure). Idempotent: a redelivered outcome is counted once.
 */
@ApplicationScoped
public class ResponseProgress {

    @Incoming("responses")
    @WithTransaction
    public Uni<Void> onOutcome(ResponseOutcome outcome) {
        return ProcessedEvent.<ProcessedEvent>findById(outcome.getEventId()).flatMap(seen -> seen != null
                ? Uni.createFrom().voidItem()
                : ProcessedEvent.of(outcome.getEventId()).persist()
                        .call(() -> RunRecord.update("responsesReceived = responsesReceived + 1, updatedAt = ?1 where runId = ?2",
                                Instant.now(), outcome.getRunId()))
                        .replaceWithVoid());
    }
}
