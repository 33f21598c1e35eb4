-- Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a POST's answer kept per organization and key, so a retry is
-- answered with it instead of running again. The primary key decides which of two racing requests (on any node) runs.
CREATE TABLE idempotency_keys (
    organization_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status_code INTEGER NULL,
    content_type TEXT NULL,
    location TEXT NULL,
    etag TEXT NULL,
    body BLOB NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, idempotency_key)
);
CREATE INDEX ix_idempotency_keys_expires ON idempotency_keys (expires_at);
