package dev.spavl.responder.lane;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * When a lane commits and what: every {@value #COMMIT_EVERY_MS} ms once something moved, each partition up to its
 * oldest request the lane took and has not finished ({@link InFlightWindow}), else its position, with a commit time
 * in the metadata for {@link AnsweredQuestions}: now, or when the oldest request still open was taken if earlier. Invariant: a commit never passes a request whose outcome (or retry
 * or dead-letter record) the broker has not acknowledged. Not thread-safe: the lane thread owns it.
 */
final class CommitPolicy {

    static final String COMMITTED_AT = "committed-at=";
    static final long COMMIT_EVERY_MS = 500;

    private final InFlightWindow window;
    private boolean uncommitted;
    private long lastCommit;

    CommitPolicy(InFlightWindow window) {
        this.window = window;
    }

    /** Records were consumed or requests finished: the next due commit has something to say. */
    void moved() {
        uncommitted = true;
    }

    /**
     * The offsets to commit now for the assigned partitions, or none when nothing moved, the last commit is younger
     * than {@value #COMMIT_EVERY_MS} ms (unless {@code force}) or nothing is assigned. Call {@link #committed} after.
     */
    Map<TopicPartition, OffsetAndMetadata> due(Collection<TopicPartition> assigned, ToLongFunction<TopicPartition> position,
                                               long now, boolean force) {
        if (!uncommitted || (!force && now - lastCommit < COMMIT_EVERY_MS) || assigned.isEmpty()) {
            return Map.of();
        }
        return offsets(assigned, position, now);
    }

    void committed(long now) {
        lastCommit = now;
        uncommitted = false;
    }

    /** Each partition's safe offset: its oldest unfinished request, else {@code position}. */
    Map<TopicPartition, OffsetAndMetadata> offsets(Collection<TopicPartition> partitions, ToLongFunction<TopicPartition> position,
                                                   long now) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            offsets.put(tp, new OffsetAndMetadata(window.safeOffset(tp, position.applyAsLong(tp)),
                    COMMITTED_AT + window.commitTime(tp, now)));
        }
        return offsets;
    }

    /** The first commit of a partition the group never committed: its start, so a crash in the first batch has a time. */
    static OffsetAndMetadata first(long position, long now) {
        return new OffsetAndMetadata(position, COMMITTED_AT + now);
    }

    /** When the commit with this metadata was made, or null for a commit not made by a lane. */
    static Instant committedAt(String metadata) {
        if (metadata == null || !metadata.startsWith(COMMITTED_AT)) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(metadata.substring(COMMITTED_AT.length())));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
