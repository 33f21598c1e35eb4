-- The process running a request with an Idempotency-Key: when it is gone (killed mid-request), its record in progress is
-- deleted by the lease holders' clean-up, so a retry runs instead of being told "still running" until the record expires.
ALTER TABLE dbo.idempotency_keys ADD holder_id NVARCHAR(100) NULL;
GO
CREATE INDEX ix_idempotency_keys_in_progress ON dbo.idempotency_keys (holder_id) WHERE status_code IS NULL;
