CREATE TABLE dbo.engagements (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    list_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.demand_lists (id),
    item_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.demand_items (id),
    offering_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.offerings (id),
    revision_id UNIQUEIDENTIFIER NOT NULL,
    offering_title NVARCHAR(200) NOT NULL,
    enterprise_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    integrator_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    status NVARCHAR(16) NOT NULL,
    message NVARCHAR(2000) NOT NULL,
    contact_name NVARCHAR(50) NOT NULL,
    contact_phone NVARCHAR(30) NULL,
    contact_email NVARCHAR(200) NULL,
    agreed_price_yuan BIGINT NULL,
    planned_days INT NULL,
    actual_cost_yuan BIGINT NULL,
    actual_days INT NULL,
    row_version INT NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL,
    accepted_at DATETIMEOFFSET NULL,
    contracted_at DATETIMEOFFSET NULL,
    delivered_at DATETIMEOFFSET NULL,
    verified_at DATETIMEOFFSET NULL,
    ended_at DATETIMEOFFSET NULL,
    end_reason NVARCHAR(1000) NULL
);
CREATE INDEX ix_engagements_enterprise ON dbo.engagements (enterprise_id, updated_at);
CREATE INDEX ix_engagements_integrator ON dbo.engagements (integrator_id, updated_at);
CREATE INDEX ix_engagements_item ON dbo.engagements (item_id);
CREATE INDEX ix_engagements_offering ON dbo.engagements (offering_id, verified_at);
-- One engagement in progress per match (item + offering); ended ones (declined, withdrawn, closed) do not count.
CREATE UNIQUE INDEX ux_engagements_open ON dbo.engagements (item_id, offering_id) WHERE ended_at IS NULL;

CREATE TABLE dbo.engagement_events (
    seq BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    engagement_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.engagements (id),
    action NVARCHAR(16) NOT NULL,
    from_status NVARCHAR(16) NULL,
    to_status NVARCHAR(16) NOT NULL,
    actor_id UNIQUEIDENTIFIER NOT NULL,
    actor_kind NVARCHAR(32) NOT NULL,
    detail NVARCHAR(2000) NULL,
    at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_engagement_events_engagement ON dbo.engagement_events (engagement_id, seq);
