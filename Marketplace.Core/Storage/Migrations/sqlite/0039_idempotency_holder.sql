-- The process running a request with an Idempotency-Key: when it is gone (killed mid-request), its record in progress is
-- deleted by the lease holders' clean-up, so a retry runs instead of being told "still running" until the record expires.
ALTER TABLE idempotency_keys ADD COLUMN holder_id TEXT NULL;
CREATE INDEX ix_idempotency_keys_in_progress ON idempotency_keys (holder_id) WHERE status_code IS NULL;
