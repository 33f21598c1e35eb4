CREATE TABLE webhook_endpoints (
    id TEXT NOT NULL PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    url TEXT NOT NULL,
    description TEXT NULL,
    event_types TEXT NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT NULL,
    previous_secret_until TEXT NULL,
    active INTEGER NOT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT NULL
);
CREATE INDEX ix_webhook_endpoints_organization ON webhook_endpoints (organization_id, deleted_at);

-- The transactional outbox: an event and its deliveries are written in the transaction of their cause.
CREATE TABLE webhook_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    organization_id TEXT NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL REFERENCES webhook_events (id),
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    claimed_by TEXT NULL,
    claimed_until TEXT NULL,
    last_attempt_at TEXT NULL,
    last_status_code INTEGER NULL,
    last_error TEXT NULL,
    delivered_at TEXT NULL,
    dead_at TEXT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, status, seq);
CREATE INDEX ix_webhook_deliveries_claimed_by ON webhook_deliveries (claimed_by, status);

CREATE TABLE webhook_attempts (
    delivery_seq INTEGER NOT NULL REFERENCES webhook_deliveries (seq),
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL,
    holder TEXT NOT NULL,
    status_code INTEGER NULL,
    error TEXT NULL,
    duration_ms INTEGER NOT NULL,
    PRIMARY KEY (delivery_seq, attempt)
);
