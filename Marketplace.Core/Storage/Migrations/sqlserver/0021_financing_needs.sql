CREATE TABLE dbo.financing_needs (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    enterprise_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    district NVARCHAR(50) NOT NULL,
    plan_project_id UNIQUEIDENTIFIER NULL REFERENCES dbo.plan_projects (id),
    engagement_id UNIQUEIDENTIFIER NULL,
    directions NVARCHAR(400) NOT NULL,
    amount_yuan BIGINT NOT NULL,
    term_months INT NOT NULL,
    purpose NVARCHAR(1000) NOT NULL,
    expected_benefits NVARCHAR(1000) NOT NULL,
    status NVARCHAR(16) NOT NULL,
    return_reason NVARCHAR(1000) NULL,
    confirmed_by UNIQUEIDENTIFIER NULL,
    confirmed_at DATETIMEOFFSET NULL,
    row_version INT NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_financing_needs_district ON dbo.financing_needs (district, status, confirmed_at);
CREATE INDEX ix_financing_needs_enterprise ON dbo.financing_needs (enterprise_id, updated_at);
