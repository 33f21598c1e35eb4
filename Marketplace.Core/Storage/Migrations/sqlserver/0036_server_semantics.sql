-- One diagnosis per project (corrections are new report versions): the check before the insert does not stop two
-- concurrent assignments on SQL Server, where writers do not queue as on SQLite; the index does (409).
-- A database written before it may hold two diagnoses of one project (two concurrent assignments): stop with the remedy
-- rather than fail on the index (the migration runs in one transaction, so nothing below is applied).
IF EXISTS (SELECT project_id FROM dbo.diagnoses GROUP BY project_id HAVING COUNT(*) > 1)
    THROW 50036, N'Migration 0036: some plan projects have two or more diagnoses (SELECT project_id FROM dbo.diagnoses GROUP BY project_id HAVING COUNT(*) > 1). Keep one diagnosis per project (move or delete the others and their reports), then start again.', 1;
DROP INDEX ix_diagnoses_project ON dbo.diagnoses;
CREATE UNIQUE INDEX ux_diagnoses_project ON dbo.diagnoses (project_id);

-- Others see live offerings newest published first, then by id: SQL Server uses an index for an order of mixed
-- directions only when the index has the same directions.
DROP INDEX ix_offerings_published ON dbo.offerings;
CREATE INDEX ix_offerings_published ON dbo.offerings (published_at DESC, id ASC);

-- Parameters are sent as nvarchar: comparing them with CHAR columns converted the column (an index scan on every
-- authenticated request under a SQL collation). Both columns hold ASCII only.
ALTER TABLE dbo.api_keys DROP CONSTRAINT uq_api_keys_hash;
ALTER TABLE dbo.api_keys ALTER COLUMN key_hash NCHAR(64) NOT NULL;
ALTER TABLE dbo.api_keys ADD CONSTRAINT uq_api_keys_hash UNIQUE (key_hash);
ALTER TABLE dbo.organizations DROP CONSTRAINT uq_organizations_credit_code;
ALTER TABLE dbo.organizations ALTER COLUMN credit_code NCHAR(18) NOT NULL;
ALTER TABLE dbo.organizations ADD CONSTRAINT uq_organizations_credit_code UNIQUE (credit_code);
