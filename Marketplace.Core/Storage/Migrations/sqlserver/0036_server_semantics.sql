-- One diagnosis per project (corrections are new report versions): the check before the insert does not stop two
-- concurrent assignments on SQL Server, where writers do not queue as on SQLite; the index does (409).
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
