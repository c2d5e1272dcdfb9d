-- Runs cancelled (spavl.cancellations): kept apart from runs because a cancel may be read before its run is.
-- Questions of a cancelled run that were still open, and any that arrive later, are closed with state CANCELLED.
CREATE TABLE run_cancellations (
    run_id        VARCHAR(80)  PRIMARY KEY,
    cancelled_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    requested_by  VARCHAR(200),
    reason        VARCHAR(1000),
    recorded_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
