-- What the matcher understood each matched item to ask for (JSON: summary, items with evidence, industry, note).
ALTER TABLE match_events ADD COLUMN need TEXT NULL;
