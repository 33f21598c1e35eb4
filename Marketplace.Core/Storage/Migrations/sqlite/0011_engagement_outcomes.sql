CREATE TABLE engagement_outcomes (
    engagement_id TEXT NOT NULL REFERENCES engagements (id),
    ordinal INTEGER NOT NULL,
    dimension TEXT NOT NULL,
    metric TEXT NOT NULL,
    unit TEXT NOT NULL,
    baseline REAL NOT NULL,
    actual REAL NOT NULL,
    PRIMARY KEY (engagement_id, ordinal)
);
