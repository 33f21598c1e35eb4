-- A confirmed financing need is final: the bank's export shows the plan project as the office confirmed it (its title and
-- planned investment then), not as the project reads after later edits.
ALTER TABLE dbo.financing_needs ADD confirmed_project_title NVARCHAR(200) NULL, confirmed_planned_investment_yuan BIGINT NULL;
GO
UPDATE dbo.financing_needs
SET confirmed_project_title = (SELECT p.title FROM dbo.plan_projects p WHERE p.id = dbo.financing_needs.plan_project_id),
    confirmed_planned_investment_yuan = (SELECT p.planned_investment_yuan FROM dbo.plan_projects p WHERE p.id = dbo.financing_needs.plan_project_id)
WHERE status = 'confirmed';
