-- The commit job that imports a dry run's file: a dry run is imported once (again only after that commit failed).
ALTER TABLE bulk_jobs ADD COLUMN committed_by TEXT NULL;
