package dev.spavl.responder.lane;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CommitPolicyTest {

    private final TopicPartition p0 = new TopicPartition("spavl.requests.otter", 0);
    private final TopicPartition p1 = new TopicPartition("spavl.requests.otter", 1);
    private final InFlightWindow window = new InFlightWindow();
    private final CommitPolicy policy = new CommitPolicy(window);

    @Test
    void nothingIsCommittedUntilSomethingMoved() {
        assertThat(policy.due(Set.of(p0), tp -> 5, 10_000, true)).isEmpty();
        policy.moved();
        assertThat(policy.due(Set.of(), tp -> 5, 10_000, true)).as("nothing assigned").isEmpty();
        assertThat(policy.due(Set.of(p0), tp -> 5, 10_000, false)).containsEntry(p0, new OffsetAndMetadata(5, "committed-at=10000"));
    }

    @Test
    void commitsComeAtMostEveryHalfSecondUnlessForced() {
        policy.moved();
        policy.committed(10_000);
        policy.moved();
        assertThat(policy.due(Set.of(p0), tp -> 5, 10_000 + CommitPolicy.COMMIT_EVERY_MS - 1, false)).isEmpty();
        assertThat(policy.due(Set.of(p0), tp -> 5, 10_000 + CommitPolicy.COMMIT_EVERY_MS - 1, true)).isNotEmpty();
        assertThat(policy.due(Set.of(p0), tp -> 5, 10_000 + CommitPolicy.COMMIT_EVERY_MS, false)).isNotEmpty();
        policy.committed(10_000 + CommitPolicy.COMMIT_EVERY_MS);
        assertThat(policy.due(Set.of(p0), tp -> 5, 20_000, true)).as("nothing moved since").isEmpty();
    }

    @Test
    void aCommitNeverPassesARequestNotFinished() {
        window.started(p0, 3);
        window.started(p0, 4);
        window.finished(p0, 4);
        policy.moved();
        Map<TopicPartition, OffsetAndMetadata> offsets = policy.due(Set.of(p0, p1), tp -> tp.equals(p0) ? 9 : 7, 1_000, true);
        assertThat(offsets.get(p0).offset()).as("3 is not acknowledged").isEqualTo(3);
        assertThat(offsets.get(p1).offset()).as("nothing open: the position").isEqualTo(7);
    }

    @Test
    void theCommitTimeIsNoLaterThanWhenTheOldestOpenRequestWasTaken() {
        // 3 came again after a crash and may have been answered from 2,000 on; 5 is new; p1 has nothing open
        window.started(p0, 3, 2_000);
        window.started(p0, 5, 9_000);
        policy.moved();
        Map<TopicPartition, OffsetAndMetadata> offsets = policy.due(Set.of(p0, p1), tp -> 9, 10_000, true);
        assertThat(offsets.get(p0)).isEqualTo(new OffsetAndMetadata(3, "committed-at=2000"));
        assertThat(offsets.get(p1)).isEqualTo(new OffsetAndMetadata(9, "committed-at=10000"));
        window.finished(p0, 3);
        assertThat(policy.due(Set.of(p0), tp -> 9, 10_000, true).get(p0)).isEqualTo(new OffsetAndMetadata(5, "committed-at=9000"));
        window.finished(p0, 5);
        assertThat(policy.due(Set.of(p0), tp -> 9, 10_000, true).get(p0)).isEqualTo(new OffsetAndMetadata(9, "committed-at=10000"));
    }

    @Test
    void theCommitTimeIsReadBackFromTheMetadata() {
        assertThat(CommitPolicy.committedAt(CommitPolicy.first(0, 1_234).metadata())).isEqualTo(Instant.ofEpochMilli(1_234));
        assertThat(CommitPolicy.committedAt(null)).isNull();
        assertThat(CommitPolicy.committedAt("by someone else")).isNull();
        assertThat(CommitPolicy.committedAt(CommitPolicy.COMMITTED_AT + "soon")).isNull();
    }
}
