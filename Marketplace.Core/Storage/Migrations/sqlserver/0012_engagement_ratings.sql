CREATE TABLE dbo.engagement_ratings (
    engagement_id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY REFERENCES dbo.engagements (id),
    integrator_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    enterprise_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.organizations (id),
    quality INT NOT NULL,
    timeliness INT NOT NULL,
    value_for_money INT NOT NULL,
    comment NVARCHAR(1000) NULL,
    comment_hidden_at DATETIMEOFFSET NULL,
    comment_hidden_reason NVARCHAR(500) NULL,
    comment_hidden_by UNIQUEIDENTIFIER NULL,
    row_version INT NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_engagement_ratings_integrator ON dbo.engagement_ratings (integrator_id, created_at);
