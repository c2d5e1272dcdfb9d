package dev.spavl.generator.dispatch;

import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponderStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ResponderDirectoryTest {

    private final Instant now = Instant.parse("2026-11-26T08:00:00Z");
    private final ResponderDirectory directory =
            new ResponderDirectory(new SimpleMeterRegistry(), Clock.fixed(now, ZoneOffset.UTC));

    @Test
    void activeAndRecentIsLive() {
        directory.onHeartbeat(beat("otter", ResponderStatus.ACTIVE, now.minusSeconds(10)));
        assertThat(directory.live()).containsExactly("otter");
    }

    @Test
    void drainingAndRetiredReceiveNothing() {
        directory.onHeartbeat(beat("otter", ResponderStatus.ACTIVE, now));
        directory.onHeartbeat(beat("otter", ResponderStatus.DRAINING, now));
        directory.onHeartbeat(beat("lamm", ResponderStatus.RETIRED, now));
        assertThat(directory.live()).isEmpty();
    }

    @Test
    void aLaneSilentForThreeIntervalsIsGone() {
        directory.onHeartbeat(beat("otter", ResponderStatus.ACTIVE, now.minusSeconds(91)));
        directory.onHeartbeat(beat("lamm", ResponderStatus.ACTIVE, now.minusSeconds(89)));
        assertThat(directory.live()).containsExactly("lamm");
    }

    @Test
    void aSilentLaneIsStillActiveForRunsThatNameIt() {
        directory.onHeartbeat(beat("otter", ResponderStatus.ACTIVE, now.minusSeconds(600)));
        directory.onHeartbeat(beat("lamm", ResponderStatus.DRAINING, now));
        assertThat(directory.live()).isEmpty();
        assertThat(directory.active()).containsExactly("otter");
    }

    @Test
    void anUnreadableRecordIsSkippedAndCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ResponderDirectory d = new ResponderDirectory(registry, Clock.fixed(now, ZoneOffset.UTC));
        d.onHeartbeat(null);
        d.onHeartbeat(beat("otter", ResponderStatus.ACTIVE, now));
        assertThat(d.live()).containsExactly("otter");
        assertThat(registry.counter("spavl.generator.unreadable.heartbeats").count()).isEqualTo(1.0);
    }

    @Test
    void aLateJoinerIsLiveFromItsFirstHeartbeat() {
        directory.onHeartbeat(beat("otter", ResponderStatus.ACTIVE, now));
        assertThat(directory.live()).containsExactly("otter");
        directory.onHeartbeat(beat("qwen-vl-chat", ResponderStatus.ACTIVE, now));
        assertThat(directory.live()).containsExactly("otter", "qwen-vl-chat");
    }

    @Test
    void aLaneOnStandbyStaysLiveForThreeOfItsLongIntervals() {
        // what a responder with spavl.responder.standby-interval=30d says when its last pod stops (KEDA scaled
        // it to zero): ACTIVE with a 30-day interval, so it still receives the work that scales it up again
        long thirtyDays = java.time.Duration.ofDays(30).toMillis();
        directory.onHeartbeat(beat("otter", ResponderStatus.ACTIVE, now.minus(java.time.Duration.ofDays(89)), thirtyDays));
        directory.onHeartbeat(beat("lamm", ResponderStatus.ACTIVE, now.minus(java.time.Duration.ofDays(91)), thirtyDays));
        assertThat(directory.live()).containsExactly("otter");
    }

    private static ResponderHeartbeat beat(String model, ResponderStatus status, Instant at) {
        return beat(model, status, at, 30_000);
    }

    private static ResponderHeartbeat beat(String model, ResponderStatus status, Instant at, long intervalMs) {
        return ResponderHeartbeat.newBuilder().setEventId("e").setRunId(null).setOccurredAt(at).setModelId(model)
                .setProvider("simulated").setStatus(status).setInstance("i").setConcurrency(1).setVersion("t")
                .setIntervalMs(intervalMs).build();
    }
}
