-- Dead-letter records the console replayed (or is replaying), by their coordinates in the dead-letter topic:
-- the primary key is what makes a replay happen at most once, whoever clicks and however often.
-- state: CLAIMED (being sent; a crash here leaves it CLAIMED, see the packager README) -> REPLAYED.
CREATE TABLE console_replays (
    dlq_topic         VARCHAR(255) NOT NULL,
    dlq_partition     INTEGER      NOT NULL,
    dlq_offset        BIGINT       NOT NULL,
    target_topic      VARCHAR(255) NOT NULL,
    target_partition  INTEGER,
    target_offset     BIGINT,
    record_key        TEXT,
    operator          TEXT,
    state             VARCHAR(16)  NOT NULL,
    requested_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    replayed_at       TIMESTAMP(6) WITH TIME ZONE,
    PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset)
);
