CREATE TABLE plan_projects (
    id TEXT NOT NULL PRIMARY KEY,
    district TEXT NOT NULL,
    year INTEGER NOT NULL,
    enterprise_id TEXT NOT NULL REFERENCES organizations (id),
    title TEXT NOT NULL,
    description TEXT NULL,
    direction TEXT NOT NULL,
    directions TEXT NOT NULL,
    sub_directions TEXT NOT NULL,
    planned_investment_yuan INTEGER NOT NULL,
    planned_start TEXT NOT NULL,
    planned_finish TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT NULL,
    actual_investment_yuan INTEGER NULL,
    diagnosis_id TEXT NULL,
    demand_list_id TEXT NULL,
    row_version INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_plan_projects_district_year ON plan_projects (district, year, status);
CREATE INDEX ix_plan_projects_enterprise ON plan_projects (enterprise_id, year);

CREATE TABLE plan_status_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL REFERENCES plan_projects (id),
    from_status TEXT NULL,
    to_status TEXT NOT NULL,
    reason TEXT NULL,
    actor_id TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_plan_status_events_project ON plan_status_events (project_id, seq);

CREATE TABLE diagnoses (
    id TEXT NOT NULL PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES plan_projects (id),
    enterprise_id TEXT NOT NULL REFERENCES organizations (id),
    district TEXT NOT NULL,
    assessor_id TEXT NOT NULL REFERENCES organizations (id),
    assigned_by TEXT NOT NULL,
    status TEXT NOT NULL,
    latest_version INTEGER NOT NULL,
    draft TEXT NULL,
    draft_updated_at TEXT NULL,
    accepted_version INTEGER NULL,
    accepted_at TEXT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_diagnoses_assessor ON diagnoses (assessor_id, updated_at);
CREATE INDEX ix_diagnoses_enterprise ON diagnoses (enterprise_id, updated_at);
CREATE INDEX ix_diagnoses_district ON diagnoses (district, updated_at);
CREATE INDEX ix_diagnoses_project ON diagnoses (project_id);

CREATE TABLE diagnosis_reports (
    id TEXT NOT NULL PRIMARY KEY,
    diagnosis_id TEXT NOT NULL REFERENCES diagnoses (id),
    version INTEGER NOT NULL,
    content TEXT NOT NULL,
    demand_list_id TEXT NOT NULL REFERENCES demand_lists (id),
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    UNIQUE (diagnosis_id, version)
);
