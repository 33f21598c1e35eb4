CREATE TABLE bulk_jobs (
    job_id TEXT NOT NULL PRIMARY KEY REFERENCES jobs (id),
    owner_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    parameters TEXT NOT NULL,
    file_job_id TEXT NOT NULL,
    file_name TEXT NULL,
    format TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    result TEXT NULL
);
CREATE INDEX ix_bulk_jobs_owner ON bulk_jobs (owner_id, operation);

CREATE TABLE job_file_chunks (
    job_id TEXT NOT NULL,
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (job_id, name, seq)
);

CREATE TABLE bulk_row_errors (
    job_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    row_number INTEGER NOT NULL,
    column_name TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);
