-- Since when a run has waited for a live responder among its targets (spavl.generator.targets-timeout); null: not waiting.
ALTER TABLE runs ADD COLUMN waiting_since TIMESTAMP(6) WITH TIME ZONE;
