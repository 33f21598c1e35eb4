-- What the matcher understood each matched item to ask for (JSON: summary, items with evidence, industry, note).
ALTER TABLE dbo.match_events ADD need NVARCHAR(MAX) NULL;
