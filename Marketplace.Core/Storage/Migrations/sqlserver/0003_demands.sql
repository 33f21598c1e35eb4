CREATE TABLE dbo.demand_lists (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    owner_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    title NVARCHAR(200) NULL,
    status NVARCHAR(16) NOT NULL,
    row_version INT NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL,
    closed_at DATETIMEOFFSET NULL
);
CREATE INDEX ix_demand_lists_owner ON dbo.demand_lists (owner_id, updated_at);
CREATE INDEX ix_demand_lists_updated ON dbo.demand_lists (updated_at);

CREATE TABLE dbo.demand_items (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    list_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.demand_lists (id),
    ordinal INT NOT NULL,
    item_text NVARCHAR(1000) NOT NULL,
    direction NVARCHAR(64) NULL,
    sub_direction NVARCHAR(64) NULL,
    budget_yuan BIGINT NULL,
    within_days INT NULL,
    effective_direction NVARCHAR(64) NULL,
    effective_sub_direction NVARCHAR(64) NULL,
    latest_event_id UNIQUEIDENTIFIER NULL,
    best_score FLOAT NULL,
    removed_at DATETIMEOFFSET NULL
);
CREATE INDEX ix_demand_items_list ON dbo.demand_items (list_id, ordinal);
CREATE INDEX ix_demand_items_direction ON dbo.demand_items (effective_direction);

CREATE TABLE dbo.match_runs (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    list_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.demand_lists (id),
    reason NVARCHAR(32) NOT NULL,
    computed_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_match_runs_list ON dbo.match_runs (list_id, computed_at);

CREATE TABLE dbo.match_events (
    seq BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    id UNIQUEIDENTIFIER NOT NULL CONSTRAINT uq_match_events_id UNIQUE,
    run_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.match_runs (id),
    list_id UNIQUEIDENTIFIER NOT NULL,
    item_id UNIQUEIDENTIFIER NOT NULL,
    enterprise_district NVARCHAR(50) NOT NULL,
    direction NVARCHAR(64) NULL,
    reason NVARCHAR(32) NOT NULL,
    occurred_at DATETIMEOFFSET NOT NULL,
    inferred NVARCHAR(MAX) NOT NULL,
    best_score FLOAT NULL
);
CREATE INDEX ix_match_events_item ON dbo.match_events (item_id, seq);

CREATE TABLE dbo.match_results (
    event_id UNIQUEIDENTIFIER NOT NULL,
    ordinal INT NOT NULL,
    offering_id UNIQUEIDENTIFIER NOT NULL,
    revision_id UNIQUEIDENTIFIER NOT NULL,
    title NVARCHAR(200) NOT NULL,
    supplier_id UNIQUEIDENTIFIER NOT NULL,
    supplier_name NVARCHAR(200) NOT NULL,
    score FLOAT NOT NULL,
    reasons NVARCHAR(MAX) NOT NULL,
    matched_terms NVARCHAR(MAX) NOT NULL,
    CONSTRAINT pk_match_results PRIMARY KEY (event_id, ordinal)
);
CREATE INDEX ix_match_results_offering ON dbo.match_results (offering_id);
