-- The commit job that imports a dry run's file: a dry run is imported once (again only after that commit failed).
ALTER TABLE dbo.bulk_jobs ADD committed_by UNIQUEIDENTIFIER NULL;
