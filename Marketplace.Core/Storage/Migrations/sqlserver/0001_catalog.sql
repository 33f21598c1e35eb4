CREATE TABLE dbo.organizations (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    kind NVARCHAR(32) NOT NULL,
    name NVARCHAR(200) NOT NULL,
    credit_code CHAR(18) NOT NULL CONSTRAINT uq_organizations_credit_code UNIQUE,
    district NVARCHAR(50) NOT NULL,
    industry NVARCHAR(200) NULL,
    scale NVARCHAR(20) NULL,
    disclose_name BIT NOT NULL CONSTRAINT df_organizations_disclose DEFAULT 0,
    created_at DATETIMEOFFSET NOT NULL
);

CREATE TABLE dbo.api_keys (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    organization_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    key_hash CHAR(64) NOT NULL CONSTRAINT uq_api_keys_hash UNIQUE,
    key_prefix NVARCHAR(16) NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    revoked_at DATETIMEOFFSET NULL
);
CREATE INDEX ix_api_keys_organization ON dbo.api_keys (organization_id);

CREATE TABLE dbo.offerings (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    owner_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    status NVARCHAR(16) NOT NULL,
    working_revision_id UNIQUEIDENTIFIER NOT NULL,
    published_revision_id UNIQUEIDENTIFIER NULL,
    row_version INT NOT NULL,
    index_version BIGINT NOT NULL,
    reject_reason NVARCHAR(1000) NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL,
    published_at DATETIMEOFFSET NULL
);
CREATE INDEX ix_offerings_owner ON dbo.offerings (owner_id, status, updated_at);
CREATE INDEX ix_offerings_status ON dbo.offerings (status, updated_at);

CREATE TABLE dbo.offering_revisions (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    offering_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.offerings (id),
    number INT NOT NULL,
    content NVARCHAR(MAX) NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    created_by UNIQUEIDENTIFIER NOT NULL,
    published_at DATETIMEOFFSET NULL,
    CONSTRAINT uq_offering_revisions_number UNIQUE (offering_id, number)
);

CREATE TABLE dbo.audit_events (
    seq BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    offering_id UNIQUEIDENTIFIER NOT NULL,
    revision_id UNIQUEIDENTIFIER NULL,
    action NVARCHAR(32) NOT NULL,
    actor_id UNIQUEIDENTIFIER NOT NULL,
    actor_kind NVARCHAR(32) NOT NULL,
    detail NVARCHAR(1000) NULL,
    at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_audit_events_offering ON dbo.audit_events (offering_id, seq);

CREATE TABLE dbo.search_outbox (
    seq BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    offering_id UNIQUEIDENTIFIER NOT NULL,
    index_version BIGINT NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    claimed_by NVARCHAR(100) NULL,
    claimed_until DATETIMEOFFSET NULL,
    attempts INT NOT NULL CONSTRAINT df_search_outbox_attempts DEFAULT 0,
    last_error NVARCHAR(2000) NULL,
    processed_at DATETIMEOFFSET NULL
);
CREATE INDEX ix_search_outbox_pending ON dbo.search_outbox (processed_at, seq);
