-- The dataset split an input row pinned its image to (a manifest's split column); null: the packager assigns one.
ALTER TABLE run_items ADD COLUMN pinned_split VARCHAR(16);
