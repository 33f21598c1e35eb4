-- Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a POST's answer kept per organization and key, so a retry is
-- answered with it instead of running again. The primary key decides which of two racing requests (on any node) runs.
-- Keys are compared ordinally, as on SQLite: under the default collation "abc" and "ABC" would be one key.
CREATE TABLE dbo.idempotency_keys (
    organization_id UNIQUEIDENTIFIER NOT NULL,
    idempotency_key NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    fingerprint NVARCHAR(64) NOT NULL,
    status_code INT NULL,
    content_type NVARCHAR(200) NULL,
    location NVARCHAR(2000) NULL,
    etag NVARCHAR(200) NULL,
    body VARBINARY(MAX) NULL,
    created_at DATETIMEOFFSET NOT NULL,
    expires_at DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_idempotency_keys PRIMARY KEY (organization_id, idempotency_key)
);
CREATE INDEX ix_idempotency_keys_expires ON dbo.idempotency_keys (expires_at);
