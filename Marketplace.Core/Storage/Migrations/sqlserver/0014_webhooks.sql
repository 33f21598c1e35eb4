CREATE TABLE dbo.webhook_endpoints (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    organization_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    url NVARCHAR(2000) NOT NULL,
    description NVARCHAR(200) NULL,
    event_types NVARCHAR(500) NOT NULL,
    secret NVARCHAR(100) NOT NULL,
    previous_secret NVARCHAR(100) NULL,
    previous_secret_until DATETIMEOFFSET NULL,
    active BIT NOT NULL,
    row_version INT NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL,
    deleted_at DATETIMEOFFSET NULL
);
CREATE INDEX ix_webhook_endpoints_organization ON dbo.webhook_endpoints (organization_id, deleted_at);

-- The transactional outbox: an event and its deliveries are written in the transaction of their cause.
CREATE TABLE dbo.webhook_events (
    seq BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    id UNIQUEIDENTIFIER NOT NULL CONSTRAINT uq_webhook_events_id UNIQUE,
    organization_id UNIQUEIDENTIFIER NOT NULL,
    type NVARCHAR(32) NOT NULL,
    payload NVARCHAR(MAX) NOT NULL,
    occurred_at DATETIMEOFFSET NOT NULL
);

CREATE TABLE dbo.webhook_deliveries (
    seq BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    id UNIQUEIDENTIFIER NOT NULL CONSTRAINT uq_webhook_deliveries_id UNIQUE,
    event_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.webhook_events (id),
    endpoint_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.webhook_endpoints (id),
    status NVARCHAR(16) NOT NULL,
    attempts INT NOT NULL CONSTRAINT df_webhook_deliveries_attempts DEFAULT 0,
    next_attempt_at DATETIMEOFFSET NOT NULL,
    expires_at DATETIMEOFFSET NOT NULL,
    claimed_by NVARCHAR(100) NULL,
    claimed_until DATETIMEOFFSET NULL,
    last_attempt_at DATETIMEOFFSET NULL,
    last_status_code INT NULL,
    last_error NVARCHAR(1000) NULL,
    delivered_at DATETIMEOFFSET NULL,
    dead_at DATETIMEOFFSET NULL,
    created_at DATETIMEOFFSET NOT NULL,
    CONSTRAINT uq_webhook_deliveries_event_endpoint UNIQUE (event_id, endpoint_id)
);
CREATE INDEX ix_webhook_deliveries_due ON dbo.webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_endpoint ON dbo.webhook_deliveries (endpoint_id, status, seq);
CREATE INDEX ix_webhook_deliveries_claimed_by ON dbo.webhook_deliveries (claimed_by, status);

CREATE TABLE dbo.webhook_attempts (
    delivery_seq BIGINT NOT NULL REFERENCES dbo.webhook_deliveries (seq),
    attempt INT NOT NULL,
    at DATETIMEOFFSET NOT NULL,
    holder NVARCHAR(100) NOT NULL,
    status_code INT NULL,
    error NVARCHAR(1000) NULL,
    duration_ms INT NOT NULL,
    CONSTRAINT pk_webhook_attempts PRIMARY KEY (delivery_seq, attempt)
);
