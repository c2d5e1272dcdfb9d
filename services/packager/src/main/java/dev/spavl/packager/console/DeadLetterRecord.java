package dev.spavl.packager.console;

import java.time.Instant;
import java.util.List;

/**
 * One dead-letter record as the console shows it: where it is, its key and value shown safely (sizes, a hex and a
 * base64 preview of the first bytes, the key as text when it is printable UTF-8, the value decoded through the
 * registry when it can be), its headers, and the topic a replay would send it to.
 *
 * @param replayOf the dead-letter record this one is a replay of (it failed again), from the console's replay header
 * @param replay   null when never replayed
 */
public record DeadLetterRecord(String topic, int partition, long offset, Instant timestamp, String key, int keySize,
                               String keyBase64, int valueSize, String valueHexPreview, String valueBase64Preview,
                               boolean valuePreviewTruncated, String valueDecoded, String valueUndecodableReason,
                               String reason, String cause, String originalTopic, String originalPartition,
                               String originalOffset, String replayOf, List<Header> headers, String replayTarget, Replay replay) {

    /** A header: its value as text when printable UTF-8, else as base64. */
    public record Header(String name, String text, String base64, boolean deadLetterHeader) {
    }

    /** A replay already made (or claimed) for this record, from the console_replays table. */
    public record Replay(String state, String targetTopic, Integer targetPartition, Long targetOffset, String operator,
                         Instant requestedAt, Instant replayedAt) {
    }

    public DeadLetterRecord withReplay(Replay r) {
        return new DeadLetterRecord(topic, partition, offset, timestamp, key, keySize, keyBase64, valueSize, valueHexPreview,
                valueBase64Preview, valuePreviewTruncated, valueDecoded, valueUndecodableReason, reason, cause, originalTopic,
                originalPartition, originalOffset, replayOf, headers, replayTarget, r);
    }
}
