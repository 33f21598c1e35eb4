-- A list stored while the search engine could not match it: the reason of its first run, written once search answers again.
ALTER TABLE demand_lists ADD COLUMN match_pending TEXT NULL;
CREATE INDEX ix_demand_lists_match_pending ON demand_lists (updated_at) WHERE match_pending IS NOT NULL;
