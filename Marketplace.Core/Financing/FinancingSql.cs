namespace Marketplace.Core.Financing;

internal static class FinancingSql
{
    private const string Select = """
        SELECT f.id AS Id, f.enterprise_id AS EnterpriseId, o.name AS EnterpriseName, f.district AS District, f.plan_project_id AS PlanProjectId,
               COALESCE(f.confirmed_project_title, p.title) AS PlanProjectTitle, f.engagement_id AS EngagementId, f.directions AS Directions, f.amount_yuan AS AmountYuan,
               f.term_months AS TermMonths, f.purpose AS Purpose, f.expected_benefits AS ExpectedBenefits, f.status AS Status,
               f.return_reason AS ReturnReason, f.confirmed_at AS ConfirmedAt, f.row_version AS RowVersion, f.created_at AS CreatedAt, f.updated_at AS UpdatedAt
        FROM financing_needs f
        JOIN organizations o ON o.id = f.enterprise_id
        LEFT JOIN plan_projects p ON p.id = f.plan_project_id
        """;

    public const string ById = Select + " WHERE f.id = @Id";

    /// <summary>@From/@To bound the confirmation time for confirmed needs and the creation time otherwise.</summary>
    private const string Where = """
         WHERE (@EnterpriseId IS NULL OR f.enterprise_id = @EnterpriseId)
          AND (@District IS NULL OR f.district = @District)
          AND (@Status IS NULL OR f.status = @Status)
          AND (@DirectionPattern IS NULL OR f.directions LIKE @DirectionPattern)
          AND (@From IS NULL OR COALESCE(f.confirmed_at, f.created_at) >= @From)
          AND (@To IS NULL OR COALESCE(f.confirmed_at, f.created_at) < @To)
        """;

    public const string List = Select + Where + " ORDER BY f.updated_at DESC, f.id";

    public const string Count = "SELECT COUNT(*) FROM financing_needs f" + Where;

    public const string Export = """
        SELECT f.id AS Id, f.district AS District, o.name AS EnterpriseName, o.credit_code AS CreditCode, o.industry AS Industry, o.scale AS Scale,
               COALESCE(f.confirmed_project_title, p.title) AS ProjectTitle,
               COALESCE(f.confirmed_planned_investment_yuan, p.planned_investment_yuan) AS PlannedInvestmentYuan, f.engagement_id AS EngagementId, f.directions AS Directions,
               f.amount_yuan AS AmountYuan, f.term_months AS TermMonths, f.purpose AS Purpose, f.expected_benefits AS ExpectedBenefits,
               f.created_at AS CreatedAt, f.confirmed_at AS ConfirmedAt
        FROM financing_needs f
        JOIN organizations o ON o.id = f.enterprise_id
        LEFT JOIN plan_projects p ON p.id = f.plan_project_id
        """ + Where + " ORDER BY f.confirmed_at, f.id";

    public const string Insert = """
        INSERT INTO financing_needs (id, enterprise_id, district, plan_project_id, engagement_id, directions, amount_yuan, term_months, purpose,
                                     expected_benefits, status, return_reason, confirmed_by, confirmed_at, row_version, created_at, updated_at)
        VALUES (@Id, @EnterpriseId, @District, @PlanProjectId, @EngagementId, @Directions, @AmountYuan, @TermMonths, @Purpose,
                @ExpectedBenefits, 'submitted', NULL, NULL, NULL, 1, @Now, @Now)
        """;

    /// <summary>An edit resubmits the need (a returned one too).</summary>
    public const string Update = """
        UPDATE financing_needs
        SET plan_project_id = @PlanProjectId, engagement_id = @EngagementId, directions = @Directions, amount_yuan = @AmountYuan,
            term_months = @TermMonths, purpose = @Purpose, expected_benefits = @ExpectedBenefits, status = 'submitted', return_reason = NULL,
            row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion AND status <> 'confirmed'
        """;

    /// <summary>Confirming keeps the plan project as it reads then (title, planned investment): a confirmed need is final.</summary>
    public const string Decide = """
        UPDATE financing_needs
        SET status = @Status, return_reason = @Reason, confirmed_by = @ConfirmedBy, confirmed_at = @ConfirmedAt,
            confirmed_project_title = CASE WHEN @Status = 'confirmed'
                THEN (SELECT p.title FROM plan_projects p WHERE p.id = financing_needs.plan_project_id) ELSE NULL END,
            confirmed_planned_investment_yuan = CASE WHEN @Status = 'confirmed'
                THEN (SELECT p.planned_investment_yuan FROM plan_projects p WHERE p.id = financing_needs.plan_project_id) ELSE NULL END,
            row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion AND status = 'submitted'
        """;
}
