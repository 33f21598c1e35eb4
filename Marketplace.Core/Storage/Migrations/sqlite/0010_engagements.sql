CREATE TABLE engagements (
    id TEXT NOT NULL PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES demand_lists (id),
    item_id TEXT NOT NULL REFERENCES demand_items (id),
    offering_id TEXT NOT NULL REFERENCES offerings (id),
    revision_id TEXT NOT NULL,
    offering_title TEXT NOT NULL,
    enterprise_id TEXT NOT NULL REFERENCES organizations (id),
    integrator_id TEXT NOT NULL REFERENCES organizations (id),
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NULL,
    contact_email TEXT NULL,
    agreed_price_yuan INTEGER NULL,
    planned_days INTEGER NULL,
    actual_cost_yuan INTEGER NULL,
    actual_days INTEGER NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    accepted_at TEXT NULL,
    contracted_at TEXT NULL,
    delivered_at TEXT NULL,
    verified_at TEXT NULL,
    ended_at TEXT NULL,
    end_reason TEXT NULL
);
CREATE INDEX ix_engagements_enterprise ON engagements (enterprise_id, updated_at);
CREATE INDEX ix_engagements_integrator ON engagements (integrator_id, updated_at);
CREATE INDEX ix_engagements_item ON engagements (item_id);
CREATE INDEX ix_engagements_offering ON engagements (offering_id, verified_at);
-- One engagement in progress per match (item + offering); ended ones (declined, withdrawn, closed) do not count.
CREATE UNIQUE INDEX ux_engagements_open ON engagements (item_id, offering_id) WHERE ended_at IS NULL;

CREATE TABLE engagement_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    engagement_id TEXT NOT NULL REFERENCES engagements (id),
    action TEXT NOT NULL,
    from_status TEXT NULL,
    to_status TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    detail TEXT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_engagement_events_engagement ON engagement_events (engagement_id, seq);
