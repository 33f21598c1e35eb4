CREATE TABLE organizations (
    id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    district TEXT NOT NULL,
    industry TEXT NULL,
    scale TEXT NULL,
    disclose_name INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
    id TEXT NOT NULL PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    key_hash TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT NULL
);
CREATE INDEX ix_api_keys_organization ON api_keys (organization_id);

CREATE TABLE offerings (
    id TEXT NOT NULL PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES organizations (id),
    status TEXT NOT NULL,
    working_revision_id TEXT NOT NULL,
    published_revision_id TEXT NULL,
    row_version INTEGER NOT NULL,
    index_version INTEGER NOT NULL,
    reject_reason TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT NULL
);
CREATE INDEX ix_offerings_owner ON offerings (owner_id, status, updated_at);
CREATE INDEX ix_offerings_status ON offerings (status, updated_at);

CREATE TABLE offering_revisions (
    id TEXT NOT NULL PRIMARY KEY,
    offering_id TEXT NOT NULL REFERENCES offerings (id),
    number INTEGER NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    published_at TEXT NULL,
    UNIQUE (offering_id, number)
);

CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    offering_id TEXT NOT NULL,
    revision_id TEXT NULL,
    action TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    detail TEXT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_audit_events_offering ON audit_events (offering_id, seq);

CREATE TABLE search_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    offering_id TEXT NOT NULL,
    index_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    claimed_by TEXT NULL,
    claimed_until TEXT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NULL,
    processed_at TEXT NULL
);
CREATE INDEX ix_search_outbox_pending ON search_outbox (processed_at, seq);
