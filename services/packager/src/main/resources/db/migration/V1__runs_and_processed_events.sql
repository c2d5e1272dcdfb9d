-- Runs as the packager knows them, from spavl.runs.
CREATE TABLE runs (
    run_id          VARCHAR(80)  PRIMARY KEY,
    source_kind     VARCHAR(32)  NOT NULL,
    source_uri      TEXT         NOT NULL,
    fan_out         VARCHAR(16)  NOT NULL,
    sample_size     INTEGER,
    seed            BIGINT       NOT NULL,
    question_types  TEXT         NOT NULL,
    targets         TEXT         NOT NULL,
    image_limit     INTEGER,
    requested_by    TEXT,
    requested_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    recorded_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

-- Idempotent consumer: an event id is recorded in the same transaction as the change it caused,
-- so a redelivered event is recognised and skipped.
CREATE TABLE processed_events (
    event_id      VARCHAR(80)  PRIMARY KEY,
    consumer      VARCHAR(80)  NOT NULL,
    topic         VARCHAR(255) NOT NULL,
    processed_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
