package dev.spavl.packager.rest;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CountSnapshotsTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger counted = new AtomicInteger();

    /** A count that takes {@code costMs} of the fake clock and returns how many counts were made so far. */
    private Uni<Integer> count(long costMs) {
        return Uni.createFrom().item(() -> {
            now.addAndGet(Duration.ofMillis(costMs).toNanos());
            return counted.incrementAndGet();
        });
    }

    private int get(CountSnapshots snapshots, String key, long costMs) {
        return snapshots.get(key, () -> count(costMs)).await().indefinitely();
    }

    private void advance(long ms) {
        now.addAndGet(Duration.ofMillis(ms).toNanos());
    }

    @Test
    void aCountIsReusedForTheFactorTimesWhatItTook() {
        CountSnapshots snapshots = new CountSnapshots(10, Duration.ofSeconds(30), now::get);

        assertThat(get(snapshots, "run-1", 200)).isEqualTo(1);
        advance(1_999);
        assertThat(get(snapshots, "run-1", 200)).as("within 10 x 200 ms").isEqualTo(1);
        advance(1);
        assertThat(get(snapshots, "run-1", 200)).as("after 10 x 200 ms").isEqualTo(2);
    }

    @Test
    void aRecountIgnoresTheSnapshotAndReplacesIt() {
        CountSnapshots snapshots = new CountSnapshots(10, Duration.ofSeconds(30), now::get);

        get(snapshots, "run-1", 200);
        assertThat(snapshots.recount("run-1", () -> count(200)).await().indefinitely()).isEqualTo(2);
        assertThat(get(snapshots, "run-1", 200)).isEqualTo(2);
    }

    @Test
    void ofTwoOverlappingCountsTheOneBegunLaterIsKept() {
        CountSnapshots snapshots = new CountSnapshots(10, Duration.ofSeconds(30), now::get);
        io.smallrye.mutiny.subscription.UniEmitter<? super String>[] slow = new io.smallrye.mutiny.subscription.UniEmitter[1];
        var early = snapshots.recount("run-1", () -> Uni.createFrom().<String>emitter(e -> slow[0] = e)).subscribeAsCompletionStage();
        advance(100);
        assertThat(snapshots.recount("run-1", () -> Uni.createFrom().item(() -> {
            advance(10);
            return "later";
        })).await().indefinitely()).isEqualTo("later");

        slow[0].complete("earlier");
        assertThat(early.join()).isEqualTo("earlier");
        assertThat(snapshots.get("run-1", () -> Uni.createFrom().item("recounted")).await().indefinitely()).isEqualTo("later");
    }

    @Test
    void whileACountRunsOtherRequestsGetTheLastSnapshotHoweverOld() {
        CountSnapshots snapshots = new CountSnapshots(10, Duration.ofSeconds(30), now::get);
        get(snapshots, "run-1", 100);
        advance(5_000);
        io.smallrye.mutiny.subscription.UniEmitter<? super Integer>[] slow = new io.smallrye.mutiny.subscription.UniEmitter[1];
        var running = snapshots.<Integer>get("run-1", () -> Uni.createFrom().emitter(e -> slow[0] = e)).subscribeAsCompletionStage();

        assertThat(get(snapshots, "run-1", 100)).as("stale, but a count is running").isEqualTo(1);
        advance(50);
        slow[0].complete(7);
        assertThat(running.join()).isEqualTo(7);
        assertThat(get(snapshots, "run-1", 100)).isEqualTo(7);
        advance(500);
        assertThat(get(snapshots, "run-1", 100)).as("10 x 50 ms later, and no count running").isEqualTo(2);
    }

    @Test
    void noCountIsReusedLongerThanTheMaximumAge() {
        CountSnapshots snapshots = new CountSnapshots(10, Duration.ofSeconds(30), now::get);

        get(snapshots, "run-1", 5_000);
        advance(29_999);
        assertThat(get(snapshots, "run-1", 5_000)).isEqualTo(1);
        advance(1);
        assertThat(get(snapshots, "run-1", 5_000)).as("50 s of reuse capped at 30 s").isEqualTo(2);
    }

    @Test
    void eachRunHasItsOwnCount() {
        CountSnapshots snapshots = new CountSnapshots(10, Duration.ofSeconds(30), now::get);

        assertThat(get(snapshots, "run-1", 100)).isEqualTo(1);
        assertThat(get(snapshots, "run-2", 100)).isEqualTo(2);
        assertThat(get(snapshots, "run-1", 100)).isEqualTo(1);
    }

    @Test
    void factorZeroCountsOnEveryRequest() {
        CountSnapshots snapshots = new CountSnapshots(0, Duration.ofSeconds(30), now::get);

        assertThat(get(snapshots, "run-1", 1_000)).isEqualTo(1);
        assertThat(get(snapshots, "run-1", 1_000)).isEqualTo(2);
    }

    @Test
    void aFailedCountIsNotKept() {
        CountSnapshots snapshots = new CountSnapshots(10, Duration.ofSeconds(30), now::get);

        assertThatThrownBy(() -> snapshots.<Integer>get("run-1", () -> Uni.createFrom().failure(new IllegalStateException("database down")))
                .await().indefinitely()).hasMessage("database down");
        assertThat(get(snapshots, "run-1", 100)).isEqualTo(1);
    }

    @Test
    void aNegativeFactorIsRefusedWithTheKey() {
        assertThatThrownBy(() -> new CountSnapshots(-1, Duration.ofSeconds(30), now::get))
                .hasMessageContaining("spavl.packager.progress-reuse-factor").hasMessageContaining("-1");
    }
}
