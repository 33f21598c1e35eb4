CREATE TABLE demand_lists (
    id TEXT NOT NULL PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES organizations (id),
    title TEXT NULL,
    status TEXT NOT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT NULL
);
CREATE INDEX ix_demand_lists_owner ON demand_lists (owner_id, updated_at);
CREATE INDEX ix_demand_lists_updated ON demand_lists (updated_at);

CREATE TABLE demand_items (
    id TEXT NOT NULL PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES demand_lists (id),
    ordinal INTEGER NOT NULL,
    item_text TEXT NOT NULL,
    direction TEXT NULL,
    sub_direction TEXT NULL,
    budget_yuan INTEGER NULL,
    within_days INTEGER NULL,
    effective_direction TEXT NULL,
    effective_sub_direction TEXT NULL,
    latest_event_id TEXT NULL,
    best_score REAL NULL,
    removed_at TEXT NULL
);
CREATE INDEX ix_demand_items_list ON demand_items (list_id, ordinal);
CREATE INDEX ix_demand_items_direction ON demand_items (effective_direction);

CREATE TABLE match_runs (
    id TEXT NOT NULL PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES demand_lists (id),
    reason TEXT NOT NULL,
    computed_at TEXT NOT NULL
);
CREATE INDEX ix_match_runs_list ON match_runs (list_id, computed_at);

CREATE TABLE match_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    run_id TEXT NOT NULL REFERENCES match_runs (id),
    list_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    enterprise_district TEXT NOT NULL,
    direction TEXT NULL,
    reason TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    inferred TEXT NOT NULL,
    best_score REAL NULL
);
CREATE INDEX ix_match_events_item ON match_events (item_id, seq);

CREATE TABLE match_results (
    event_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    offering_id TEXT NOT NULL,
    revision_id TEXT NOT NULL,
    title TEXT NOT NULL,
    supplier_id TEXT NOT NULL,
    supplier_name TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL,
    matched_terms TEXT NOT NULL,
    PRIMARY KEY (event_id, ordinal)
);
CREATE INDEX ix_match_results_offering ON match_results (offering_id);
