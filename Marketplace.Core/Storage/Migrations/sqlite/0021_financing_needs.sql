CREATE TABLE financing_needs (
    id TEXT NOT NULL PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES organizations (id),
    district TEXT NOT NULL,
    plan_project_id TEXT NULL REFERENCES plan_projects (id),
    engagement_id TEXT NULL,
    directions TEXT NOT NULL,
    amount_yuan INTEGER NOT NULL,
    term_months INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    expected_benefits TEXT NOT NULL,
    status TEXT NOT NULL,
    return_reason TEXT NULL,
    confirmed_by TEXT NULL,
    confirmed_at TEXT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_financing_needs_district ON financing_needs (district, status, confirmed_at);
CREATE INDEX ix_financing_needs_enterprise ON financing_needs (enterprise_id, updated_at);
