-- The packager's view of each question, built from events that may arrive in any order and more than
-- once: every row is written by an idempotent consumer (processed_events in the same transaction).

-- Images from spavl.images: what the export needs (the bytes stay in the blob store).
CREATE TABLE images (
    image_id     VARCHAR(80)  PRIMARY KEY,
    run_id       VARCHAR(80)  NOT NULL,
    blob_uri     TEXT         NOT NULL,
    sha256       CHAR(64)     NOT NULL,
    mime         VARCHAR(40)  NOT NULL,
    width        INTEGER      NOT NULL,
    height       INTEGER      NOT NULL,
    image_name   TEXT         NOT NULL,
    caption      TEXT,
    class1       TEXT         NOT NULL,
    class2       TEXT         NOT NULL,
    class3       TEXT         NOT NULL,
    split        VARCHAR(16)  NOT NULL
);
CREATE INDEX images_run ON images (run_id);

-- Questions from spavl.questions. state: WAITING (for answers/labels) -> JUDGING (a pair is out)
-- -> RESOLVED (a quadruple) or UNRESOLVED (reason says why).
CREATE TABLE questions (
    question_id          VARCHAR(80)  PRIMARY KEY,
    run_id               VARCHAR(80)  NOT NULL,
    image_id             VARCHAR(80)  NOT NULL,
    image_uri            TEXT         NOT NULL,
    image_sha256         CHAR(64)     NOT NULL,
    question_type        VARCHAR(20)  NOT NULL,
    text                 TEXT         NOT NULL,
    class1               TEXT         NOT NULL,
    class2               TEXT         NOT NULL,
    class3               TEXT         NOT NULL,
    expected_responders  TEXT         NOT NULL,
    simulated            BOOLEAN      NOT NULL,
    state                VARCHAR(16)  NOT NULL,
    pair_attempts        INTEGER      NOT NULL DEFAULT 0,
    unresolved_reason    TEXT,
    received_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    closed_at            TIMESTAMP(6) WITH TIME ZONE
);
CREATE INDEX questions_run_state ON questions (run_id, state);

-- Safety labels, kept apart from the rows they label because a label may arrive before its subject.
-- model_id is '' for the question's own label.
CREATE TABLE labels (
    question_id  VARCHAR(80)  NOT NULL,
    model_id     VARCHAR(80)  NOT NULL,
    safe         BOOLEAN      NOT NULL,
    score        DOUBLE PRECISION NOT NULL,
    harm_category TEXT,
    judge        TEXT         NOT NULL,
    simulated    BOOLEAN      NOT NULL,
    PRIMARY KEY (question_id, model_id)
);

-- Outcomes from spavl.responses: one per (question, model); a later OK replaces a FAILED.
CREATE TABLE answers (
    question_id  VARCHAR(80)  NOT NULL,
    model_id     VARCHAR(80)  NOT NULL,
    run_id       VARCHAR(80)  NOT NULL,
    status       VARCHAR(8)   NOT NULL,
    text         TEXT,
    error_kind   VARCHAR(32),
    tokens_in    INTEGER      NOT NULL,
    tokens_out   INTEGER      NOT NULL,
    cost_usd     NUMERIC(14, 8) NOT NULL,
    simulated    BOOLEAN      NOT NULL,
    PRIMARY KEY (question_id, model_id)
);
CREATE INDEX answers_run_model ON answers (run_id, model_id);

-- Pairs sent to the judge. published: sent to spavl.pairs (a relay resends unpublished ones).
CREATE TABLE pairs (
    pair_id      VARCHAR(80)  PRIMARY KEY,
    question_id  VARCHAR(80)  NOT NULL,
    attempt      INTEGER      NOT NULL,
    model_a      VARCHAR(80)  NOT NULL,
    model_b      VARCHAR(80)  NOT NULL,
    group_a      INTEGER      NOT NULL,
    group_b      INTEGER      NOT NULL,
    outcome      VARCHAR(16),
    reason1      TEXT,
    reason2      TEXT,
    judge        TEXT,
    tokens_in    INTEGER,
    tokens_out   INTEGER,
    simulated    BOOLEAN,
    published    BOOLEAN      NOT NULL DEFAULT FALSE,
    proposed_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    judged_at    TIMESTAMP(6) WITH TIME ZONE,
    UNIQUE (question_id, attempt)
);

-- One quadruple per resolved question (the UNIQUE question_id is what "exactly once" rests on).
CREATE TABLE quadruples (
    quadruple_id    VARCHAR(80)  PRIMARY KEY,
    question_id     VARCHAR(80)  NOT NULL UNIQUE,
    pair_id         VARCHAR(80)  NOT NULL,
    run_id          VARCHAR(80)  NOT NULL,
    image_id        VARCHAR(80)  NOT NULL,
    split           VARCHAR(16)  NOT NULL,
    chosen_model    VARCHAR(80)  NOT NULL,
    rejected_model  VARCHAR(80)  NOT NULL,
    published       BOOLEAN      NOT NULL DEFAULT FALSE,
    assembled_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
CREATE INDEX quadruples_run_split ON quadruples (run_id, split);
