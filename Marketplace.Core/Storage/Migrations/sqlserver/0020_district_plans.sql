CREATE TABLE dbo.plan_projects (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    district NVARCHAR(50) NOT NULL,
    year INT NOT NULL,
    enterprise_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    title NVARCHAR(200) NOT NULL,
    description NVARCHAR(2000) NULL,
    direction NVARCHAR(64) NOT NULL,
    directions NVARCHAR(400) NOT NULL,
    sub_directions NVARCHAR(2000) NOT NULL,
    planned_investment_yuan BIGINT NOT NULL,
    planned_start NVARCHAR(10) NOT NULL,
    planned_finish NVARCHAR(10) NOT NULL,
    status NVARCHAR(16) NOT NULL,
    status_reason NVARCHAR(1000) NULL,
    actual_investment_yuan BIGINT NULL,
    diagnosis_id UNIQUEIDENTIFIER NULL,
    demand_list_id UNIQUEIDENTIFIER NULL,
    row_version INT NOT NULL,
    created_by UNIQUEIDENTIFIER NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_plan_projects_district_year ON dbo.plan_projects (district, year, status);
CREATE INDEX ix_plan_projects_enterprise ON dbo.plan_projects (enterprise_id, year);

CREATE TABLE dbo.plan_status_events (
    seq BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    project_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.plan_projects (id),
    from_status NVARCHAR(16) NULL,
    to_status NVARCHAR(16) NOT NULL,
    reason NVARCHAR(1000) NULL,
    actor_id UNIQUEIDENTIFIER NOT NULL,
    actor_kind NVARCHAR(32) NOT NULL,
    at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_plan_status_events_project ON dbo.plan_status_events (project_id, seq);

CREATE TABLE dbo.diagnoses (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    project_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.plan_projects (id),
    enterprise_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    district NVARCHAR(50) NOT NULL,
    assessor_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    assigned_by UNIQUEIDENTIFIER NOT NULL,
    status NVARCHAR(16) NOT NULL,
    latest_version INT NOT NULL,
    draft NVARCHAR(MAX) NULL,
    draft_updated_at DATETIMEOFFSET NULL,
    accepted_version INT NULL,
    accepted_at DATETIMEOFFSET NULL,
    row_version INT NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_diagnoses_assessor ON dbo.diagnoses (assessor_id, updated_at);
CREATE INDEX ix_diagnoses_enterprise ON dbo.diagnoses (enterprise_id, updated_at);
CREATE INDEX ix_diagnoses_district ON dbo.diagnoses (district, updated_at);
CREATE INDEX ix_diagnoses_project ON dbo.diagnoses (project_id);

CREATE TABLE dbo.diagnosis_reports (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    diagnosis_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.diagnoses (id),
    version INT NOT NULL,
    content NVARCHAR(MAX) NOT NULL,
    demand_list_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.demand_lists (id),
    submitted_by UNIQUEIDENTIFIER NOT NULL,
    submitted_at DATETIMEOFFSET NOT NULL,
    CONSTRAINT uq_diagnosis_reports_version UNIQUE (diagnosis_id, version)
);
