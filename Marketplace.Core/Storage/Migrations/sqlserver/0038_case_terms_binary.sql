-- Case terms are told apart ordinally, as in C# and on SQLite: under the database's default collation (case-, kana- and
-- width-insensitive) two terms distinct in C#, such as hiragana and katakana spellings, collided in the primary key and
-- publishing the case failed. SQL Server only: SQLite compares binary already.
DROP INDEX ix_case_terms_term ON dbo.case_terms;
ALTER TABLE dbo.case_terms DROP CONSTRAINT pk_case_terms;
ALTER TABLE dbo.case_terms ALTER COLUMN term NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL;
ALTER TABLE dbo.case_terms ADD CONSTRAINT pk_case_terms PRIMARY KEY (case_id, term);
CREATE INDEX ix_case_terms_term ON dbo.case_terms (term, case_id);
