-- Running processes that lease work rows (search outbox …): a successor frees the rows of a holder that is gone.
CREATE TABLE lease_holders (
    holder_id TEXT NOT NULL PRIMARY KEY,
    node_name TEXT NOT NULL,
    host TEXT NOT NULL,
    process_id INTEGER NOT NULL,
    process_started_at TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);
CREATE INDEX ix_search_outbox_claimed_by ON search_outbox (claimed_by, processed_at);
