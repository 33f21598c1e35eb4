-- A confirmed financing need is final: the bank's export shows the plan project as the office confirmed it (its title and
-- planned investment then), not as the project reads after later edits.
ALTER TABLE dbo.financing_needs ADD confirmed_project_title NVARCHAR(200) NULL, confirmed_planned_investment_yuan BIGINT NULL;
GO
UPDATE f
SET confirmed_project_title = p.title, confirmed_planned_investment_yuan = p.planned_investment_yuan
FROM dbo.financing_needs f
JOIN dbo.plan_projects p ON p.id = f.plan_project_id
WHERE f.status = 'confirmed';
