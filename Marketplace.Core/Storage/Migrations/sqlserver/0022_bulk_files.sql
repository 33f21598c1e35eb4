CREATE TABLE dbo.bulk_jobs (
    job_id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY REFERENCES dbo.jobs (id),
    owner_id UNIQUEIDENTIFIER NOT NULL,
    operation NVARCHAR(32) NOT NULL,
    parameters NVARCHAR(2000) NOT NULL,
    file_job_id UNIQUEIDENTIFIER NOT NULL,
    file_name NVARCHAR(260) NULL,
    format NVARCHAR(8) NOT NULL,
    attempts INT NOT NULL,
    result NVARCHAR(2000) NULL
);
CREATE INDEX ix_bulk_jobs_owner ON dbo.bulk_jobs (owner_id, operation);

CREATE TABLE dbo.job_file_chunks (
    job_id UNIQUEIDENTIFIER NOT NULL,
    name NVARCHAR(16) NOT NULL,
    seq INT NOT NULL,
    data VARBINARY(MAX) NOT NULL,
    CONSTRAINT pk_job_file_chunks PRIMARY KEY (job_id, name, seq)
);

CREATE TABLE dbo.bulk_row_errors (
    job_id UNIQUEIDENTIFIER NOT NULL,
    seq INT NOT NULL,
    row_number BIGINT NOT NULL,
    column_name NVARCHAR(64) NOT NULL,
    message NVARCHAR(1000) NOT NULL,
    CONSTRAINT pk_bulk_row_errors PRIMARY KEY (job_id, seq)
);
