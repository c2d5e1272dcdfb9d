package dev.spavl.responder.service;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponderStatus;
import dev.spavl.responder.catalog.ModelCatalog;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.config.LaneSelection;
import dev.spavl.responder.config.ResponderConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Announces every hosted lane on the compacted spavl.responders topic: ACTIVE at start and on every
 * interval, DRAINING at shutdown, RETIRED from the moment its loop stopped on an error (until the process restarts,
 * which the failing liveness check asks for). The latest record per model tells the generator who is alive.
 */
@ApplicationScoped
public class LaneHeartbeats {

    private static final Logger LOG = Logger.getLogger(LaneHeartbeats.class);
    private static final Duration SHUTDOWN_SEND_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<ResponderHeartbeat> responders;
    private final ResponderConfig config;
    private final ModelCatalog catalog;
    private final MeterRegistry metrics;
    private final String version;
    private final List<String> lanes;
    private final String instance;
    private final AtomicLong sequence = new AtomicLong();
    /** Start time of this process: with the sequence it makes heartbeat ids unique across restarts. */
    private final long startedAt = System.currentTimeMillis();
    private volatile boolean draining;
    /** Lanes whose loop stopped on an error: never announced ACTIVE again by this process. */
    private final java.util.Set<String> stopped = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public LaneHeartbeats(@Channel("responders") MutinyEmitter<ResponderHeartbeat> responders, ResponderConfig config,
                          ModelCatalog catalog, MeterRegistry metrics,
                          @ConfigProperty(name = "quarkus.application.version") String version) {
        this.responders = responders;
        this.config = config;
        this.catalog = catalog;
        this.metrics = metrics;
        this.version = version;
        this.lanes = LaneSelection.parse(config.models(), catalog.ids());
        this.instance = config.instance().orElseGet(LaneHeartbeats::hostName);
    }

    public List<String> lanes() {
        return lanes;
    }

    void onStart(@Observes StartupEvent ev) {
        LOG.infof("responder instance %s hosts %d lane(s): %s", instance, lanes.size(), lanes);
        announce(ResponderStatus.ACTIVE).subscribe().with(x -> { }, f -> LOG.errorf(f, "start heartbeat failed"));
    }

    @Scheduled(every = "${spavl.responder.heartbeat-interval:30s}", delayed = "${spavl.responder.heartbeat-interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> periodic() {
        return draining ? Uni.createFrom().voidItem() : announce(ResponderStatus.ACTIVE);
    }

    void onStop(@Observes @jakarta.annotation.Priority(10) ShutdownEvent ev) {
        draining = true;
        ResponderStatus status = shutdownStatus(config);
        Duration interval = config.standbyInterval().orElse(config.heartbeatInterval());
        try {
            announce(status, interval).await().atMost(SHUTDOWN_SEND_TIMEOUT);
            LOG.infof("lanes %s announced %s%s", lanes, status,
                    config.standbyInterval().map(s -> " (standby: live for the generator for 3 x " + s + ")").orElse(""));
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not announce %s for %s; the lanes look as before until their heartbeat expires", status, lanes);
        }
    }

    /** A lane's loop stopped on an error: RETIRED at once, so the generator stops sending it requests. */
    public void laneStopped(String model, Exception reason) {
        stopped.add(model);
        LOG.errorf("lane %s stopped (%s); announcing it RETIRED", model, reason.getMessage());
        send(model, ResponderStatus.RETIRED, config.heartbeatInterval()).subscribe()
                .with(x -> { }, f -> LOG.errorf(f, "the RETIRED heartbeat of stopped lane %s was not published", model));
    }

    /** What a stopping process says of its lanes: DRAINING, or ACTIVE when a standby interval is set. */
    static ResponderStatus shutdownStatus(ResponderConfig config) {
        return config.standbyInterval().isPresent() ? ResponderStatus.ACTIVE : ResponderStatus.DRAINING;
    }

    Uni<Void> announce(ResponderStatus status) {
        return announce(status, config.heartbeatInterval());
    }

    /** @param interval announced as interval_ms: the generator counts a lane gone after three of them without news */
    Uni<Void> announce(ResponderStatus status, Duration interval) {
        return Uni.join().all(lanes.stream()
                .map(model -> send(model, stopped.contains(model) ? ResponderStatus.RETIRED : status, interval)).toList())
                .andFailFast().replaceWithVoid();
    }

    private Uni<Void> send(String model, ResponderStatus status, Duration interval) {
        long seq = sequence.incrementAndGet();
        ModelSpec spec = catalog.require(model);
        ResponderHeartbeat beat = ResponderHeartbeat.newBuilder()
                .setEventId(Ids.event("ResponderHeartbeat", model, instance, startedAt, seq))
                .setRunId(null)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setModelId(model)
                .setDisplayName(spec.displayName())
                .setProvider(spec.provider().id())
                .setStatus(status)
                .setInstance(instance)
                .setConcurrency(spec.concurrency())
                .setVersion(version)
                .setIntervalMs(interval.toMillis())
                .build();
        Message<ResponderHeartbeat> msg = Message.of(beat)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(model).build());
        return responders.sendMessage(msg)
                .invoke(() -> metrics.counter("spavl.responder.heartbeats", "model", model,
                        "status", status.name().toLowerCase(java.util.Locale.ROOT)).increment())
                .onFailure().invoke(f -> {
                    metrics.counter("spavl.responder.heartbeat.failures", "model", model).increment();
                    LOG.errorf(f, "heartbeat %s for lane %s (instance %s) not published", status, model, instance);
                });
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
