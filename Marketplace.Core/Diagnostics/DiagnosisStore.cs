using System.Text.Json;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Demands;
using Marketplace.Core.Matching;
using Marketplace.Core.Organizations;
using Marketplace.Core.Plans;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Diagnostics;

/// <summary>A diagnosis: an assessor assigned by a district to an enterprise's plan project, with its draft and submitted report versions.</summary>
public sealed record Diagnosis(
    Guid Id,
    Guid ProjectId,
    string ProjectTitle,
    int ProjectYear,
    Guid EnterpriseId,
    string EnterpriseName,
    string District,
    Guid AssessorId,
    string AssessorName,
    string Status,
    int LatestVersion,
    ReportContent? Draft,
    DateTimeOffset? DraftUpdatedAt,
    int? AcceptedVersion,
    DateTimeOffset? AcceptedAt,
    int RowVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string ETag => $"\"{RowVersion}\"";
}

/// <summary>A submitted, immutable report version and the demand list it created.</summary>
public sealed record SubmittedReport(Guid Id, int Version, ReportContent Content, Guid DemandListId, Guid SubmittedBy, DateTimeOffset SubmittedAt);

public sealed record DiagnosisFilter(Guid? ProjectId, string? Status);

/// <summary>
/// Diagnoses (诊断评估, 一企业一报告一建议). A district office assigns an assessor to a project of its plan; the assessor saves
/// a draft and submits it as a numbered version, which is then immutable; submitting turns the recommendations into a
/// demand list for the enterprise, matched at once (each item linked to its finding), and moves an 意向 project to
/// 已诊断. A correction is a new version with a new list (the previous list is closed unless the enterprise accepted it).
/// Visible to the assessor, the enterprise (submitted versions only), the district office and operators; others get 404.
/// </summary>
public sealed class DiagnosisStore(
    Database db,
    OrganizationStore organizations,
    PlanStore plans,
    DemandStore demands,
    MatchRuns runs,
    DiagnosticModel model,
    TaxonomyCatalog taxonomy,
    TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid ProjectId { get; init; }
        public string ProjectTitle { get; init; } = "";
        public int ProjectYear { get; init; }
        public Guid EnterpriseId { get; init; }
        public string EnterpriseName { get; init; } = "";
        public string District { get; init; } = "";
        public Guid AssessorId { get; init; }
        public string AssessorName { get; init; } = "";
        public Guid AssignedBy { get; init; }
        public string Status { get; init; } = "";
        public int LatestVersion { get; init; }
        public string? Draft { get; init; }
        public DateTimeOffset? DraftUpdatedAt { get; init; }
        public int? AcceptedVersion { get; init; }
        public DateTimeOffset? AcceptedAt { get; init; }
        public int RowVersion { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        public Diagnosis ToDiagnosis() => new(Id, ProjectId, ProjectTitle, ProjectYear, EnterpriseId, EnterpriseName, District, AssessorId, AssessorName,
            Status, LatestVersion, Draft is null ? null : Deserialize(Draft), DraftUpdatedAt, AcceptedVersion, AcceptedAt, RowVersion, CreatedAt, UpdatedAt);
    }

    private sealed class ReportRow
    {
        public Guid Id { get; init; }
        public int Version { get; init; }
        public string Content { get; init; } = "";
        public Guid DemandListId { get; init; }
        public Guid SubmittedBy { get; init; }
        public DateTimeOffset SubmittedAt { get; init; }
    }

    /// <summary>A district office assigns an assessor to a project of its own plan (one diagnosis per project).</summary>
    public async Task<Diagnosis> AssignAsync(Actor actor, Guid? projectId, Guid? assessorId, CancellationToken ct)
    {
        if (!actor.Is(OrganizationKind.District))
        {
            throw new ForbiddenException("只有区县经信部门可以委托诊断 (only district offices assign diagnoses).");
        }
        var v = new Validator();
        PlanProject? project = null;
        if (v.Required("planProjectId", projectId))
        {
            project = await plans.FindAsync(projectId!.Value, ct);
            if (project is null || !await plans.CanReadAsync(actor, project, ct))
            {
                v.Add("planProjectId", "本区县计划中没有该项目 (no project of your district's plan has this id).");
            }
        }
        if (v.Required("assessorId", assessorId))
        {
            var assessor = await organizations.FindAsync(assessorId!.Value, ct);
            if (assessor is null || assessor.Kind != OrganizationKind.Assessor)
            {
                v.Add("assessorId", "不是已登记的诊断机构 (no registered assessor has this id; see GET /api/v1/organizations?kind=assessor).");
            }
        }
        v.ThrowIfAny();
        if (PlanStatuses.IsTerminal(project!.Status))
        {
            throw PlanStore.TerminalProjectDiagnosed(project.Status);
        }
        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            if (await c.ExecuteScalarAsync<long>(db.Command(DiagnosisSql.CountOfProject, new { ProjectId = project.Id }, t, ct)) > 0)
            {
                throw new ConflictException("该项目已委托诊断；诊断机构可提交新版本报告来更正 (this project already has a diagnosis; corrections are new report versions).");
            }
            await c.ExecuteAsync(db.Command(DiagnosisSql.Insert, new
            {
                Id = id,
                ProjectId = project.Id,
                project.EnterpriseId,
                project.District,
                AssessorId = assessorId!.Value,
                AssignedBy = actor.OrganizationId,
                Now = now,
            }, t, ct));
            await plans.LinkDiagnosisAsync(c, t, project.Id, id, now, ct);
        }, ct);
        return await GetAsync(actor, id, ct);
    }

    public async Task<Diagnosis> GetAsync(Actor actor, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(db.Command(DiagnosisSql.ById, new { Id = id }, ct: ct));
        if (row is null || !await CanReadAsync(actor, row.AssessorId, row.EnterpriseId, row.District, row.LatestVersion, ct))
        {
            throw NotFound(id);
        }
        return row.ToDiagnosis();
    }

    /// <summary>The assessor, the district office of the district and operators; the enterprise once a version is submitted.</summary>
    private async Task<bool> CanReadAsync(Actor actor, Guid assessorId, Guid enterpriseId, string district, int latestVersion, CancellationToken ct) => actor.Kind switch
    {
        OrganizationKind.Operator => true,
        OrganizationKind.Assessor => actor.OrganizationId == assessorId,
        OrganizationKind.Enterprise => actor.OrganizationId == enterpriseId && latestVersion > 0,
        OrganizationKind.District => district == await organizations.HomeDistrictAsync(actor, ct),
        _ => false,
    };

    /// <summary>Drafts are the assessor's working copy: shown to the assessor and operators only.</summary>
    public static bool SeesDraft(Actor actor, Diagnosis diagnosis) => actor.IsOperator || actor.OrganizationId == diagnosis.AssessorId;

    public async Task<PagedList<Diagnosis>> ListAsync(Actor actor, DiagnosisFilter filter, int page, int pageSize, CancellationToken ct)
    {
        Guid? assessorId = null, enterpriseId = null;
        string? district = null;
        switch (actor.Kind)
        {
            case OrganizationKind.Operator:
                break;
            case OrganizationKind.Assessor:
                assessorId = actor.OrganizationId;
                break;
            case OrganizationKind.Enterprise:
                enterpriseId = actor.OrganizationId;
                break;
            case OrganizationKind.District:
                district = await organizations.HomeDistrictAsync(actor, ct);
                break;
            default:
                throw new ForbiddenException("只有诊断机构、企业、区县和运营方可以查看诊断 (only assessors, enterprises, district offices and operators see diagnoses).");
        }
        var args = new
        {
            AssessorId = assessorId,
            EnterpriseId = enterpriseId,
            District = district,
            filter.ProjectId,
            filter.Status,
            SubmittedOnly = actor.Kind == OrganizationKind.Enterprise, // an enterprise sees a diagnosis once a version is submitted
            Skip = (page - 1) * pageSize,
            Take = pageSize,
        };
        await using var c = await db.OpenAsync(ct);
        var total = await c.ExecuteScalarAsync<long>(db.Command(DiagnosisSql.Count, args, ct: ct));
        var rows = await c.QueryAsync<Row>(db.Command(db.Dialect.Page(DiagnosisSql.List), args, ct: ct));
        return new PagedList<Diagnosis>(rows.Select(r => r.ToDiagnosis()).ToArray(), page, pageSize, total);
    }

    /// <summary>The assessor replaces its working draft (If-Match required); the draft's structure is checked, completeness only on submit.</summary>
    public async Task<Diagnosis> SaveDraftAsync(Actor actor, Guid id, string? ifMatch, ReportInput? input, CancellationToken ct)
    {
        var diagnosis = await GetAssignedAsync(actor, id, ct);
        Preconditions.RequireIfMatch(ifMatch, "诊断报告草稿");
        Preconditions.CheckIfMatch(ifMatch, diagnosis.ETag, "诊断");
        var content = ReportValidation.Validate(input, model, taxonomy);
        await using (var c = await db.OpenAsync(ct))
        {
            var affected = await c.ExecuteAsync(db.Command(DiagnosisSql.SaveDraft,
                new { Id = id, Draft = JsonSerializer.Serialize(content, Json), Now = clock.GetUtcNow(), ExpectedRowVersion = diagnosis.RowVersion }, ct: ct));
            if (affected == 0)
            {
                throw Changed();
            }
        }
        return await GetAsync(actor, id, ct);
    }

    /// <summary>
    /// Submits the draft as the next version: the recommendations become the enterprise's demand list (each item takes
    /// its finding's direction and item) matched at once (or, while search cannot answer, as soon as it can), the version is stored immutable with the item ids, the plan
    /// project links the list (意向 → 已诊断), and a previous version's list the enterprise had not accepted is closed.
    /// </summary>
    public async Task<(Diagnosis Diagnosis, SubmittedReport Report)> SubmitAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct)
    {
        var diagnosis = await GetAssignedAsync(actor, id, ct);
        Preconditions.CheckIfMatch(ifMatch, diagnosis.ETag, "诊断");
        if (diagnosis.Draft is null)
        {
            throw new ConflictException("没有待提交的报告草稿，请先保存草稿 (no draft to submit; PUT the draft first).");
        }
        ReportValidation.RequireComplete(diagnosis.Draft, model);
        var enterprise = await organizations.GetAsync(diagnosis.EnterpriseId, ct);
        var version = diagnosis.LatestVersion + 1;
        var findings = diagnosis.Draft.Findings.ToDictionary(f => f.Number);
        var recommendations = diagnosis.Draft.Recommendations.Select(r => r with { DemandItemId = Guid.NewGuid() }).ToArray();
        var items = recommendations.Select(r =>
        {
            var finding = findings[r.Finding];
            return new ItemToMatch(r.DemandItemId!.Value, r.Text, finding.Direction, finding.SubDirection, r.BudgetYuan, r.WithinDays);
        }).ToArray();
        var list = await demands.PrepareAsync(enterprise, RecommendationsListTitle(diagnosis.ProjectTitle, version), items, ct);
        var content = diagnosis.Draft with { Recommendations = recommendations };
        var previous = diagnosis.LatestVersion > 0 ? (await ReportsAsync(id, ct))[^1] : null;
        var reportId = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            await runs.LockAsync(c, t, ct);
            var affected = await c.ExecuteAsync(db.Command(DiagnosisSql.MarkSubmitted,
                new { Id = id, Version = version, Now = now, ExpectedRowVersion = diagnosis.RowVersion }, t, ct));
            if (affected == 0)
            {
                throw Changed();
            }
            await demands.InsertAsync(c, t, list, MatchEventReasons.DiagnosisSubmitted, now, ct);
            await c.ExecuteAsync(db.Command(DiagnosisSql.InsertReport, new
            {
                Id = reportId,
                DiagnosisId = id,
                Version = version,
                Content = JsonSerializer.Serialize(content, Json),
                DemandListId = list.Id,
                SubmittedBy = actor.OrganizationId,
                Now = now,
            }, t, ct));
            if (previous is not null && diagnosis.AcceptedVersion != previous.Version)
            {
                await demands.CloseAsync(c, t, previous.DemandListId, now, ct);
            }
            await plans.LinkReportAsync(c, t, diagnosis.ProjectId, list.Id, version, actor, now, ct);
        }, ct);
        return (await GetAsync(actor, id, ct), new SubmittedReport(reportId, version, content, list.Id, actor.OrganizationId, now));
    }

    /// <summary>The enterprise accepts the latest version's demand list (it may also edit the list like any of its lists).</summary>
    public async Task<Diagnosis> AcceptAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct)
    {
        var diagnosis = await GetAsync(actor, id, ct);
        if (actor.OrganizationId != diagnosis.EnterpriseId)
        {
            throw new ForbiddenException("只有被诊断企业可以确认诊断建议 (only the diagnosed enterprise accepts the recommendations).");
        }
        Preconditions.CheckIfMatch(ifMatch, diagnosis.ETag, "诊断");
        if (diagnosis.AcceptedVersion == diagnosis.LatestVersion)
        {
            throw new ConflictException($"第 {diagnosis.LatestVersion} 版已确认 (version {diagnosis.LatestVersion} is already accepted).");
        }
        await using (var c = await db.OpenAsync(ct))
        {
            var affected = await c.ExecuteAsync(db.Command(DiagnosisSql.MarkAccepted,
                new { Id = id, Version = diagnosis.LatestVersion, Now = clock.GetUtcNow(), ExpectedRowVersion = diagnosis.RowVersion }, ct: ct));
            if (affected == 0)
            {
                throw Changed();
            }
        }
        return await GetAsync(actor, id, ct);
    }

    /// <summary>The submitted versions, oldest first (for a reader of the diagnosis).</summary>
    public async Task<IReadOnlyList<SubmittedReport>> ReportsAsync(Actor actor, Guid id, CancellationToken ct)
    {
        await GetAsync(actor, id, ct);
        return await ReportsAsync(id, ct);
    }

    private sealed class LatestReportRow
    {
        public Guid EnterpriseId { get; init; }
        public string Content { get; init; } = "";
    }

    /// <summary>
    /// The findings that name a technology item, from the latest report of the <paramref name="reports"/> most recently
    /// submitted diagnoses, with the enterprise each is about: assessors' descriptions of a problem, labelled by the item
    /// that answers it, which matching learns owners' words from.
    /// </summary>
    public async Task<IReadOnlyList<(Guid Enterprise, Finding Finding)>> LabelledFindingsAsync(int reports, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<LatestReportRow>(db.Command(db.Dialect.Page(DiagnosisSql.LatestReports), new { Skip = 0, Take = reports }, ct: ct));
        return rows.SelectMany(r => Deserialize(r.Content).Findings.Where(f => f.SubDirection is not null).Select(f => (r.EnterpriseId, f))).ToArray();
    }

    private async Task<IReadOnlyList<SubmittedReport>> ReportsAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<ReportRow>(db.Command(DiagnosisSql.Reports, new { DiagnosisId = id }, ct: ct));
        return rows.Select(r => new SubmittedReport(r.Id, r.Version, Deserialize(r.Content), r.DemandListId, r.SubmittedBy, r.SubmittedAt)).ToArray();
    }

    private async Task<Diagnosis> GetAssignedAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var diagnosis = await GetAsync(actor, id, ct);
        if (actor.OrganizationId != diagnosis.AssessorId)
        {
            throw new ForbiddenException("只有受委托的诊断机构可以编写报告 (only the assigned assessor writes the report).");
        }
        return diagnosis;
    }

    private static ReportContent Deserialize(string json) => JsonSerializer.Deserialize<ReportContent>(json, Json)!;

    private static PreconditionFailedException Changed() => new("诊断已被修改，请重新获取后再试 (the diagnosis changed meanwhile; fetch it again).");

    private static NotFoundException NotFound(Guid id) => new($"诊断 {id} 不存在 (diagnosis not found).");

    /// <summary>
    /// The title of the demand list a report's recommendations become, 诊断建议：{project}（第 N 版）: the project's title is
    /// shortened so the whole fits a list title (a project title may be as long as a list title).
    /// </summary>
    public static string RecommendationsListTitle(string projectTitle, int version)
    {
        const string prefix = "诊断建议：";
        var suffix = $"（第 {version} 版）";
        return prefix + TextRules.Shorten(projectTitle, DemandStore.TitleMax - prefix.Length - suffix.Length) + suffix;
    }
}
