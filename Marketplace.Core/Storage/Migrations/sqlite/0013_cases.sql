CREATE TABLE cases (
    id TEXT NOT NULL PRIMARY KEY,
    engagement_id TEXT NOT NULL UNIQUE REFERENCES engagements (id),
    offering_id TEXT NOT NULL REFERENCES offerings (id),
    revision_id TEXT NOT NULL,
    integrator_id TEXT NOT NULL REFERENCES organizations (id),
    enterprise_id TEXT NOT NULL REFERENCES organizations (id),
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    named INTEGER NOT NULL DEFAULT 0,
    directions TEXT NOT NULL,
    sub_directions TEXT NOT NULL,
    district TEXT NOT NULL,
    industry TEXT NULL,
    integrator_consent_at TEXT NULL,
    enterprise_consent_at TEXT NULL,
    reject_reason TEXT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT NULL
);
CREATE INDEX ix_cases_status ON cases (status, published_at);
CREATE INDEX ix_cases_offering ON cases (offering_id, status);
CREATE INDEX ix_cases_integrator ON cases (integrator_id, status);

CREATE TABLE case_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL REFERENCES cases (id),
    action TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    detail TEXT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_case_events_case ON case_events (case_id, seq);

-- Analysed terms of published cases (derived data, rewritten at publish and deleted when a case leaves the library).
CREATE TABLE case_terms (
    case_id TEXT NOT NULL REFERENCES cases (id),
    term TEXT NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (case_id, term)
);
CREATE INDEX ix_case_terms_term ON case_terms (term, case_id);
