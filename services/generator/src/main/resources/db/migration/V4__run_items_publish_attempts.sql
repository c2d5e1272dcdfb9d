-- Rounds in which publishing an image's events failed for a reason that can pass (worker.max-publish-attempts);
-- a run_items.reason may now also be PUBLISH_FAILED, and status WRITTEN or SKIPPED (RunItem.Status).
ALTER TABLE run_items ADD COLUMN publish_attempts INTEGER NOT NULL DEFAULT 0;
