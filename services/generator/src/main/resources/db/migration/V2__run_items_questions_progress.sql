-- Run progress, one row per input image, and the questions written for them. A restarted generator
-- resumes from these rows: DONE and REJECTED items are never processed again, and questions already
-- written are dispatched with their stored text instead of being written anew.
ALTER TABLE runs ADD COLUMN images_total        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN images_accepted     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN images_rejected     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN images_duplicate    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN questions_easy      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN questions_hard      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN statements_hard     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN requests_dispatched INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN responses_received  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN failure             TEXT;
ALTER TABLE runs ADD COLUMN updated_at          TIMESTAMP(6) WITH TIME ZONE;

CREATE SEQUENCE run_items_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE run_items (
    id           BIGINT       PRIMARY KEY,
    run_id       VARCHAR(80)  NOT NULL REFERENCES runs (run_id),
    row_no       INTEGER      NOT NULL,
    source_ref   TEXT,
    image_name   TEXT,
    class1       TEXT,
    class2       TEXT,
    class3       TEXT,
    caption      TEXT,
    description  TEXT,
    status       VARCHAR(16)  NOT NULL,   -- PENDING, DONE, REJECTED, DUPLICATE
    reason       VARCHAR(40),             -- RejectionReason when REJECTED
    detail       TEXT,
    image_id     VARCHAR(80),
    sha256       CHAR(64),
    blob_uri     TEXT,
    width        INTEGER,
    height       INTEGER,
    mime         VARCHAR(32),
    size_bytes   BIGINT,
    attempts     INTEGER      NOT NULL DEFAULT 0,
    updated_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    UNIQUE (run_id, row_no)
);
CREATE INDEX run_items_by_status ON run_items (run_id, status, row_no);
CREATE UNIQUE INDEX run_items_one_image_per_run ON run_items (run_id, image_id) WHERE status = 'DONE';

CREATE TABLE questions (
    question_id          VARCHAR(80)  PRIMARY KEY,
    run_id               VARCHAR(80)  NOT NULL REFERENCES runs (run_id),
    image_id             VARCHAR(80)  NOT NULL,
    type                 VARCHAR(20)  NOT NULL,
    text                 TEXT         NOT NULL,
    generator_model      TEXT         NOT NULL,
    template_version     VARCHAR(40)  NOT NULL,
    simulated            BOOLEAN      NOT NULL,
    expected_responders  TEXT         NOT NULL,
    created_at           TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
CREATE INDEX questions_by_run ON questions (run_id);

-- idempotent consumer of spavl.responses (backpressure: responses received per run)
CREATE TABLE processed_events (
    event_id      VARCHAR(80)  PRIMARY KEY,
    processed_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
