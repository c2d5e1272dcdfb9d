package dev.spavl.packager.service;

import dev.spavl.events.RunRequested;
import dev.spavl.packager.persistence.RunEntity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.stream.Collectors;

/**
 * Records every requested run from spavl.runs. Idempotent: the event id is stored in the same
 * transaction as the run, so a redelivery (after a crash before the offset commit) changes nothing.
 */
@ApplicationScoped
public class RunLedger {

    static final String CONSUMER = "packager.run-ledger";
    private static final Logger LOG = Logger.getLogger(RunLedger.class);

    private final EventOnce once;
    private final PairingCoordinator coordinator;

    public RunLedger(EventOnce once, PairingCoordinator coordinator) {
        this.once = once;
        this.coordinator = coordinator;
    }

    @Incoming("runs")
    public Uni<Void> onRunRequested(RunRequested event) {
        return once.apply(event.getEventId(), "RunRequested", CONSUMER, "runs", new EventOnce.Ids(event.getRunId(), null, null),
                () -> toEntity(event).persist()
                .invoke(() -> LOG.infof("run %s recorded (event %s, source %s)", event.getRunId(), event.getEventId(),
                        event.getSourceUri()))
                .replaceWithVoid())
                // questions that arrived first waited for the run's seed: pair them now that the run is committed
                .chain(() -> coordinator.onRunRecorded(event.getRunId()));
    }

    static RunEntity toEntity(RunRequested e) {
        RunEntity r = new RunEntity();
        r.runId = e.getRunId();
        r.sourceKind = e.getSourceKind().name();
        r.sourceUri = e.getSourceUri();
        r.fanOut = e.getFanOut().name();
        r.sampleSize = e.getSampleSize();
        r.seed = e.getSeed();
        r.questionTypes = e.getQuestionTypes().stream().map(Enum::name).collect(Collectors.joining(","));
        r.targets = String.join(",", e.getTargets());
        r.imageLimit = e.getImageLimit();
        r.requestedBy = e.getRequestedBy();
        r.requestedAt = e.getRequestedAt();
        r.recordedAt = Instant.now();
        return r;
    }
}
