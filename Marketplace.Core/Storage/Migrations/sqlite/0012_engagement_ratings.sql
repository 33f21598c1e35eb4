CREATE TABLE engagement_ratings (
    engagement_id TEXT NOT NULL PRIMARY KEY REFERENCES engagements (id),
    integrator_id TEXT NOT NULL REFERENCES organizations (id),
    enterprise_id TEXT NOT NULL REFERENCES organizations (id),
    quality INTEGER NOT NULL,
    timeliness INTEGER NOT NULL,
    value_for_money INTEGER NOT NULL,
    comment TEXT NULL,
    comment_hidden_at TEXT NULL,
    comment_hidden_reason TEXT NULL,
    comment_hidden_by TEXT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_engagement_ratings_integrator ON engagement_ratings (integrator_id, created_at);
