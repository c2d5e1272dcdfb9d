-- Runs accepted by the generator. Progress columns come with image intake.
CREATE TABLE runs (
    run_id           VARCHAR(80)  PRIMARY KEY,
    idempotency_key  VARCHAR(200) UNIQUE,
    status           VARCHAR(32)  NOT NULL,
    source_kind      VARCHAR(32)  NOT NULL,
    source_uri       TEXT         NOT NULL,
    fan_out          VARCHAR(16)  NOT NULL,
    sample_size      INTEGER,
    seed             BIGINT       NOT NULL,
    question_types   TEXT         NOT NULL,
    targets          TEXT         NOT NULL,
    image_limit      INTEGER,
    requested_by     TEXT,
    requested_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    event_id         VARCHAR(80)  NOT NULL
);
