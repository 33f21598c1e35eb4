-- Lists of technology items are as long as an offering's or a project's choice: an offering may name every item of its
-- directions (28 items of three directions already passed 1,000 characters, and creating its case failed).
ALTER TABLE dbo.cases ALTER COLUMN sub_directions NVARCHAR(MAX) NOT NULL;
ALTER TABLE dbo.plan_projects ALTER COLUMN sub_directions NVARCHAR(MAX) NOT NULL;
