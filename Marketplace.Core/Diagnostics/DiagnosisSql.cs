namespace Marketplace.Core.Diagnostics;

internal static class DiagnosisSql
{
    private const string Select = """
        SELECT d.id AS Id, d.project_id AS ProjectId, p.title AS ProjectTitle, p.year AS ProjectYear, d.enterprise_id AS EnterpriseId,
               e.name AS EnterpriseName, d.district AS District, d.assessor_id AS AssessorId, a.name AS AssessorName,
               d.assigned_by AS AssignedBy, d.status AS Status, d.latest_version AS LatestVersion, d.draft AS Draft,
               d.draft_updated_at AS DraftUpdatedAt, d.accepted_version AS AcceptedVersion, d.accepted_at AS AcceptedAt,
               d.row_version AS RowVersion, d.created_at AS CreatedAt, d.updated_at AS UpdatedAt
        FROM diagnoses d
        JOIN plan_projects p ON p.id = d.project_id
        JOIN organizations e ON e.id = d.enterprise_id
        JOIN organizations a ON a.id = d.assessor_id
        """;

    public const string ById = Select + " WHERE d.id = @Id";

    private const string Where = """
         WHERE (@AssessorId IS NULL OR d.assessor_id = @AssessorId)
          AND (@EnterpriseId IS NULL OR d.enterprise_id = @EnterpriseId)
          AND (@District IS NULL OR d.district = @District)
          AND (@ProjectId IS NULL OR d.project_id = @ProjectId)
          AND (@Status IS NULL OR d.status = @Status)
          AND (@SubmittedOnly = 0 OR d.latest_version > 0)
        """;

    public const string List = Select + Where + " ORDER BY d.updated_at DESC, d.id";

    public const string Count = "SELECT COUNT(*) FROM diagnoses d" + Where;

    public const string CountOfProject = "SELECT COUNT(*) FROM diagnoses WHERE project_id = @ProjectId";

    public const string Insert = """
        INSERT INTO diagnoses (id, project_id, enterprise_id, district, assessor_id, assigned_by, status, latest_version, draft, draft_updated_at,
                               accepted_version, accepted_at, row_version, created_at, updated_at)
        VALUES (@Id, @ProjectId, @EnterpriseId, @District, @AssessorId, @AssignedBy, 'assigned', 0, NULL, NULL, NULL, NULL, 1, @Now, @Now)
        """;

    public const string SaveDraft = """
        UPDATE diagnoses SET draft = @Draft, draft_updated_at = @Now, row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion
        """;

    public const string MarkSubmitted = """
        UPDATE diagnoses SET status = 'submitted', latest_version = @Version, draft = NULL, draft_updated_at = NULL,
               row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion
        """;

    public const string MarkAccepted = """
        UPDATE diagnoses SET status = 'accepted', accepted_version = @Version, accepted_at = @Now, row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion
        """;

    public const string InsertReport = """
        INSERT INTO diagnosis_reports (id, diagnosis_id, version, content, demand_list_id, submitted_by, submitted_at)
        VALUES (@Id, @DiagnosisId, @Version, @Content, @DemandListId, @SubmittedBy, @Now)
        """;

    /// <summary>The latest submitted report of every diagnosis with its enterprise, newest first. Paged.</summary>
    public const string LatestReports = """
        SELECT d.enterprise_id AS EnterpriseId, r.content AS Content
        FROM diagnosis_reports r JOIN diagnoses d ON d.id = r.diagnosis_id AND r.version = d.latest_version
        ORDER BY r.submitted_at DESC, r.id
        """;

    public const string Reports = """
        SELECT id AS Id, version AS Version, content AS Content, demand_list_id AS DemandListId, submitted_by AS SubmittedBy, submitted_at AS SubmittedAt
        FROM diagnosis_reports WHERE diagnosis_id = @DiagnosisId ORDER BY version
        """;
}
