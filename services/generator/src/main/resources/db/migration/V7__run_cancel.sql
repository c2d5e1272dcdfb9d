-- A cancelled run (status CANCELLED): when, by whom and why, as the DELETE said. The run's RunCancelled event is sent
-- again from these on every repeat of the cancel, so it is the same event.
ALTER TABLE runs ADD COLUMN cancelled_at TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE runs ADD COLUMN cancelled_by VARCHAR(200);
ALTER TABLE runs ADD COLUMN cancel_reason VARCHAR(1000);
