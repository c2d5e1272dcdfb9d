package dev.spavl.generator.dispatch;

import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponderStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is alive, from the compacted spavl.responders topic: the latest heartbeat per model. A lane
 * is live while ACTIVE and heard from within three of its heartbeat intervals; DRAINING and RETIRED
 * lanes receive nothing new. Every generator instance reads the whole topic (its own consumer group).
 */
@ApplicationScoped
public class ResponderDirectory {

    private static final Logger LOG = Logger.getLogger(ResponderDirectory.class);
    static final int MISSED_BEATS = 3;

    private final Map<String, ResponderHeartbeat> latest = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Counter unreadable;

    @Inject
    public ResponderDirectory(MeterRegistry metrics) {
        this(metrics, Clock.systemUTC());
    }

    ResponderDirectory(MeterRegistry metrics, Clock clock) {
        this.clock = clock;
        this.unreadable = metrics.counter("spavl.generator.unreadable.heartbeats");
        Gauge.builder("spavl.generator.live.responders", this, d -> d.live().size())
                .description("responder lanes the generator currently dispatches to").register(metrics);
    }

    @Incoming("responders")
    public void onHeartbeat(ResponderHeartbeat beat) {
        if (beat == null) {
            // a record the deserializer could not read (fail-on-deserialization-failure=false hands it over as null):
            // not a heartbeat of anybody. Not dead-lettered: the topic is compacted and read from the start by every
            // generator, so each start would copy the same record to a dead-letter topic again
            unreadable.increment();
            LOG.warn("an unreadable record on the responders topic was skipped (the deserializer's error is logged above)");
            return;
        }
        ResponderHeartbeat previous = latest.put(beat.getModelId(), beat);
        if (previous == null || previous.getStatus() != beat.getStatus()) {
            LOG.infof("responder %s is %s (instance %s, provider %s)", beat.getModelId(), beat.getStatus(),
                    beat.getInstance(), beat.getProvider());
        }
    }

    /**
     * Model ids whose latest heartbeat says ACTIVE, however old, sorted: lanes that have not said they are
     * leaving. A run that names its targets fans out to these, so a lane down for a moment (a crash, a
     * restart) still gets its share of questions and answers them when it is back.
     */
    public List<String> active() {
        return latest.values().stream()
                .filter(b -> b.getStatus() == ResponderStatus.ACTIVE)
                .map(ResponderHeartbeat::getModelId)
                .sorted()
                .toList();
    }

    /** Model ids that receive new questions now, sorted. */
    public List<String> live() {
        Instant now = clock.instant();
        return latest.values().stream()
                .filter(b -> b.getStatus() == ResponderStatus.ACTIVE)
                .filter(b -> b.getOccurredAt().plus(Duration.ofMillis(b.getIntervalMs() * MISSED_BEATS)).isAfter(now))
                .map(ResponderHeartbeat::getModelId)
                .sorted()
                .toList();
    }
}
