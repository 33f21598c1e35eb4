namespace Marketplace.Core.Plans;

internal static class PlanSql
{
    private const string Select = """
        SELECT p.id AS Id, p.district AS District, p.year AS Year, p.enterprise_id AS EnterpriseId, o.name AS EnterpriseName,
               p.title AS Title, p.description AS Description, p.directions AS Directions, p.sub_directions AS SubDirections,
               p.planned_investment_yuan AS PlannedInvestmentYuan, p.planned_start AS PlannedStart, p.planned_finish AS PlannedFinish,
               p.status AS Status, p.status_reason AS StatusReason, p.actual_investment_yuan AS ActualInvestmentYuan,
               p.diagnosis_id AS DiagnosisId, p.demand_list_id AS DemandListId, p.row_version AS RowVersion,
               p.created_at AS CreatedAt, p.updated_at AS UpdatedAt
        FROM plan_projects p JOIN organizations o ON o.id = p.enterprise_id
        """;

    public const string ById = Select + " WHERE p.id = @Id";

    /// <summary>@DirectionPattern is <c>%"code"%</c>: a direction anywhere in the JSON array of directions.</summary>
    private const string Where = """
         WHERE (@District IS NULL OR p.district = @District)
          AND (@Year IS NULL OR p.year = @Year)
          AND (@FromYear IS NULL OR p.year >= @FromYear)
          AND (@ToYear IS NULL OR p.year <= @ToYear)
          AND (@Status IS NULL OR p.status = @Status)
          AND (@EnterpriseId IS NULL OR p.enterprise_id = @EnterpriseId)
          AND (@DirectionPattern IS NULL OR p.directions LIKE @DirectionPattern)
        """;

    public const string List = Select + Where + " ORDER BY p.year, p.created_at, p.id";

    public const string Count = "SELECT COUNT(*) FROM plan_projects p" + Where;

    public const string Insert = """
        INSERT INTO plan_projects (id, district, year, enterprise_id, title, description, direction, directions, sub_directions,
                                   planned_investment_yuan, planned_start, planned_finish, status, status_reason, actual_investment_yuan,
                                   diagnosis_id, demand_list_id, row_version, created_by, created_at, updated_at)
        VALUES (@Id, @District, @Year, @EnterpriseId, @Title, @Description, @Direction, @Directions, @SubDirections,
                @PlannedInvestmentYuan, @PlannedStart, @PlannedFinish, 'intent', NULL, NULL,
                NULL, NULL, 1, @CreatedBy, @Now, @Now)
        """;

    public const string Update = """
        UPDATE plan_projects
        SET year = @Year, title = @Title, description = @Description, direction = @Direction, directions = @Directions,
            sub_directions = @SubDirections, planned_investment_yuan = @PlannedInvestmentYuan, planned_start = @PlannedStart,
            planned_finish = @PlannedFinish, row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion
        """;

    public const string Move = """
        UPDATE plan_projects
        SET status = @Status, status_reason = @Reason, actual_investment_yuan = @ActualInvestmentYuan,
            row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion
        """;

    public const string LinkDiagnosis = """
        UPDATE plan_projects SET diagnosis_id = @DiagnosisId, row_version = row_version + 1, updated_at = @Now WHERE id = @Id
        """;

    /// <summary>A submitted report links its demand list and moves an 意向 project to 已诊断 (a project it does not move keeps its reason).</summary>
    public const string LinkDiagnosisReport = """
        UPDATE plan_projects
        SET demand_list_id = @DemandListId, status = @Status, status_reason = COALESCE(@Reason, status_reason), row_version = row_version + 1,
            updated_at = @Now
        WHERE id = @Id
        """;

    public const string InsertEvent = """
        INSERT INTO plan_status_events (project_id, from_status, to_status, reason, actor_id, actor_kind, at)
        VALUES (@ProjectId, @FromStatus, @ToStatus, @Reason, @ActorId, @ActorKind, @Now)
        """;

    public const string Events = """
        SELECT seq AS Seq, from_status AS FromStatus, to_status AS ToStatus, reason AS Reason, actor_id AS ActorId,
               actor_kind AS ActorKind, at AS At
        FROM plan_status_events WHERE project_id = @ProjectId ORDER BY seq
        """;
}
