-- Who wrote a question (the dataset card's provenance) and the split its input pinned its image to (null: by weights).
ALTER TABLE questions ADD COLUMN generator_model TEXT;
ALTER TABLE questions ADD COLUMN pinned_split VARCHAR(16);
-- SPA-VL's image_info fields we have: the detailed description (gemini_caption) and where the image came from (url).
ALTER TABLE images ADD COLUMN description TEXT;
ALTER TABLE images ADD COLUMN source_ref TEXT;
