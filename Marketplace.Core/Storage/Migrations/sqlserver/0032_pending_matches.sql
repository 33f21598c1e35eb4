-- A list stored while the search engine could not match it: the reason of its first run, written once search answers again.
ALTER TABLE dbo.demand_lists ADD match_pending NVARCHAR(40) NULL;
GO
CREATE INDEX ix_demand_lists_match_pending ON dbo.demand_lists (updated_at) WHERE match_pending IS NOT NULL;
