CREATE TABLE dbo.engagement_outcomes (
    engagement_id UNIQUEIDENTIFIER NOT NULL REFERENCES dbo.engagements (id),
    ordinal INT NOT NULL,
    dimension NVARCHAR(32) NOT NULL,
    metric NVARCHAR(50) NOT NULL,
    unit NVARCHAR(16) NOT NULL,
    baseline FLOAT NOT NULL,
    actual FLOAT NOT NULL,
    CONSTRAINT pk_engagement_outcomes PRIMARY KEY (engagement_id, ordinal)
);
