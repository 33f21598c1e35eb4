-- One diagnosis per project (corrections are new report versions), held by the database as on SQL Server.
DROP INDEX ix_diagnoses_project;
CREATE UNIQUE INDEX ux_diagnoses_project ON diagnoses (project_id);
