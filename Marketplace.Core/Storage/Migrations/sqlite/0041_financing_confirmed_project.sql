-- A confirmed financing need is final: the bank's export shows the plan project as the office confirmed it (its title and
-- planned investment then), not as the project reads after later edits.
ALTER TABLE financing_needs ADD COLUMN confirmed_project_title TEXT NULL;
ALTER TABLE financing_needs ADD COLUMN confirmed_planned_investment_yuan INTEGER NULL;
UPDATE financing_needs
SET confirmed_project_title = (SELECT p.title FROM plan_projects p WHERE p.id = financing_needs.plan_project_id),
    confirmed_planned_investment_yuan = (SELECT p.planned_investment_yuan FROM plan_projects p WHERE p.id = financing_needs.plan_project_id)
WHERE status = 'confirmed';
