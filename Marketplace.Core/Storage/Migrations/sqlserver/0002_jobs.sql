CREATE TABLE dbo.jobs (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    kind NVARCHAR(50) NOT NULL,
    status NVARCHAR(16) NOT NULL,
    processed BIGINT NOT NULL CONSTRAINT df_jobs_processed DEFAULT 0,
    total BIGINT NULL,
    node NVARCHAR(100) NOT NULL,
    requested_by UNIQUEIDENTIFIER NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    started_at DATETIMEOFFSET NULL,
    finished_at DATETIMEOFFSET NULL,
    updated_at DATETIMEOFFSET NOT NULL,
    error NVARCHAR(2000) NULL
);
CREATE INDEX ix_jobs_kind_status ON dbo.jobs (kind, status, updated_at);
