CREATE TABLE dbo.cases (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    engagement_id UNIQUEIDENTIFIER NOT NULL CONSTRAINT uq_cases_engagement UNIQUE REFERENCES dbo.engagements (id),
    offering_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.offerings (id),
    revision_id UNIQUEIDENTIFIER NOT NULL,
    integrator_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    enterprise_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    status NVARCHAR(16) NOT NULL,
    title NVARCHAR(100) NOT NULL,
    summary NVARCHAR(2000) NOT NULL,
    named BIT NOT NULL CONSTRAINT df_cases_named DEFAULT 0,
    directions NVARCHAR(200) NOT NULL,
    sub_directions NVARCHAR(1000) NOT NULL,
    district NVARCHAR(50) NOT NULL,
    industry NVARCHAR(200) NULL,
    integrator_consent_at DATETIMEOFFSET NULL,
    enterprise_consent_at DATETIMEOFFSET NULL,
    reject_reason NVARCHAR(1000) NULL,
    row_version INT NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL,
    published_at DATETIMEOFFSET NULL
);
CREATE INDEX ix_cases_status ON dbo.cases (status, published_at);
CREATE INDEX ix_cases_offering ON dbo.cases (offering_id, status);
CREATE INDEX ix_cases_integrator ON dbo.cases (integrator_id, status);

CREATE TABLE dbo.case_events (
    seq BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    case_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.cases (id),
    action NVARCHAR(16) NOT NULL,
    actor_id UNIQUEIDENTIFIER NOT NULL,
    actor_kind NVARCHAR(32) NOT NULL,
    detail NVARCHAR(1000) NULL,
    at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_case_events_case ON dbo.case_events (case_id, seq);

-- Analysed terms of published cases (derived data, rewritten at publish and deleted when a case leaves the library).
CREATE TABLE dbo.case_terms (
    case_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.cases (id),
    term NVARCHAR(100) NOT NULL,
    weight FLOAT NOT NULL,
    CONSTRAINT pk_case_terms PRIMARY KEY (case_id, term)
);
CREATE INDEX ix_case_terms_term ON dbo.case_terms (term, case_id);
