using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Demands;
using Marketplace.Api.Http;
using Marketplace.Api.Plans;
using Marketplace.Core.Common;
using Marketplace.Core.Demands;
using Marketplace.Core.Engagements;
using Marketplace.Core.Diagnostics;
using Marketplace.Core.Matching;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Diagnoses;

/// <param name="PlanProjectId">A project of the caller's district plan.</param>
/// <param name="AssessorId">A registered assessor (see GET /api/v1/organizations?kind=assessor).</param>
public sealed record AssignDiagnosisRequest([Required] Guid? PlanProjectId, [Required] Guid? AssessorId);

/// <param name="Summary">Overall conclusion (≤ 2,000 characters).</param>
/// <param name="Scores">One per dimension of GET /api/v1/diagnoses/model, each a maturity level 1–5; all dimensions are needed to submit.</param>
/// <param name="Findings">Problems found (≤ 50): text, severity (low, medium, high) and the annex direction and/or technology item concerned.</param>
/// <param name="Recommendations">What to do (≤ 50), each answering a finding by its 1-based number; each becomes an item of the enterprise's demand list.</param>
public sealed record ReportRequest(
    [MaxLength(ReportValidation.SummaryMax)] string? Summary,
    IReadOnlyList<ScoreRequest?>? Scores,
    [MaxLength(ReportValidation.FindingsMax)] IReadOnlyList<FindingRequest?>? Findings,
    [MaxLength(DemandStore.MaxItems)] IReadOnlyList<RecommendationRequest?>? Recommendations)
{
    public ReportInput ToInput() => new(Summary,
        Scores?.Select(s => s is null ? null : new ScoreInput(s.Dimension, s.Level, s.Note)).ToArray(),
        Findings?.Select(f => f is null ? null : new FindingInput(f.Dimension, f.Text, f.Severity, f.Direction, f.SubDirection)).ToArray(),
        Recommendations?.Select(r => r is null ? null : new RecommendationInput(r.Finding, r.Text, r.BudgetYuan, r.WithinDays)).ToArray());
}

/// <param name="Dimension">A dimension code, e.g. equipment.</param>
/// <param name="Level">Maturity level 1–5.</param>
/// <param name="Note">Optional note (≤ 500 characters).</param>
public sealed record ScoreRequest(
    [Required, CodeList(CodeList.DiagnosticDimensions)] string? Dimension,
    [Required, Range(1, 5)] int? Level,
    [MaxLength(ReportValidation.NoteMax)] string? Note);

/// <param name="Dimension">Optional dimension code the finding belongs to.</param>
/// <param name="Text">The problem (≤ 1,000 characters).</param>
/// <param name="Severity">low, medium or high.</param>
/// <param name="Direction">Annex direction code; optional when `subDirection` is given.</param>
/// <param name="SubDirection">Technology item code of that direction.</param>
public sealed record FindingRequest(
    [CodeList(CodeList.DiagnosticDimensions)] string? Dimension,
    [Required, MaxLength(ReportValidation.FindingTextMax)] string? Text,
    [Required, CodeList(CodeList.FindingSeverities)] string? Severity,
    [CodeList(CodeList.Directions)] string? Direction,
    [CodeList(CodeList.SubDirections)] string? SubDirection);

/// <param name="Finding">The 1-based number of the finding it answers.</param>
/// <param name="Text">The recommendation, worded as the need to match (≤ 1,000 characters).</param>
/// <param name="BudgetYuan">Optional budget in yuan (≥ 0).</param>
/// <param name="WithinDays">Optional time frame in days (1–3650).</param>
public sealed record RecommendationRequest(
    [Required, Range(1, ReportValidation.FindingsMax)] int? Finding,
    [Required, MaxLength(DemandStore.TextMax)] string? Text,
    [Range(0d, Limits.MaxYuan)] long? BudgetYuan,
    [Range(1, Limits.MaxDays)] int? WithinDays);

public sealed record OrganizationRef(Guid Id, string Name);

public sealed record PlanProjectRef(Guid Id, string Title, int Year);

public sealed record ScoreResponse(string Dimension, string DimensionName, int Level, string LevelName, string? Note);

public sealed record FindingResponse(int Number, string? Dimension, string Text, string Severity, string SeverityName, string Direction, string? SubDirection);

public sealed record ReportContentResponse(string? Summary, IReadOnlyList<ScoreResponse> Scores, IReadOnlyList<FindingResponse> Findings,
    IReadOnlyList<Recommendation> Recommendations)
{
    public static ReportContentResponse From(ReportContent c, DiagnosticModel model) => new(c.Summary,
        c.Scores.Select(s => new ScoreResponse(s.Dimension, model.FindDimension(s.Dimension)?.Name ?? s.Dimension, s.Level,
            model.Levels.FirstOrDefault(l => l.Level == s.Level)?.Name ?? "", s.Note)).ToArray(),
        c.Findings.Select(f => new FindingResponse(f.Number, f.Dimension, f.Text, f.Severity,
            model.Severities.FirstOrDefault(s => s.Code == f.Severity)?.Name ?? f.Severity, f.Direction, f.SubDirection)).ToArray(),
        c.Recommendations);
}

/// <summary>A diagnosis; the draft is shown to the assessor and operators only.</summary>
public sealed record DiagnosisResponse(
    Guid Id,
    PlanProjectRef PlanProject,
    EnterpriseRef Enterprise,
    string District,
    OrganizationRef Assessor,
    string Status,
    int LatestVersion,
    int? AcceptedVersion,
    DateTimeOffset? AcceptedAt,
    ReportContentResponse? Draft,
    DateTimeOffset? DraftUpdatedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static DiagnosisResponse For(Diagnosis d, Actor actor, DiagnosticModel model)
    {
        var draft = DiagnosisStore.SeesDraft(actor, d) && d.Draft is not null ? ReportContentResponse.From(d.Draft, model) : null;
        return new(d.Id, new PlanProjectRef(d.ProjectId, d.ProjectTitle, d.ProjectYear), new EnterpriseRef(d.EnterpriseId, d.EnterpriseName), d.District,
            new OrganizationRef(d.AssessorId, d.AssessorName), d.Status, d.LatestVersion, d.AcceptedVersion, d.AcceptedAt, draft,
            draft is null ? null : d.DraftUpdatedAt, d.CreatedAt, d.UpdatedAt);
    }
}

/// <summary>A submitted report version: immutable.</summary>
public sealed record ReportVersionResponse(Guid DiagnosisId, int Version, DateTimeOffset SubmittedAt, Guid SubmittedBy, Guid DemandListId, ReportContentResponse Content)
{
    public static ReportVersionResponse From(Guid diagnosisId, SubmittedReport r, DiagnosticModel model) =>
        new(diagnosisId, r.Version, r.SubmittedAt, r.SubmittedBy, r.DemandListId, ReportContentResponse.From(r.Content, model));
}

/// <summary>一企业一报告一建议: the latest report, the demand list made from its recommendations, and that list's matches.</summary>
public sealed record DiagnosisResultResponse(DiagnosisResponse Diagnosis, ReportVersionResponse Report, DemandListResponse DemandList, DemandMatchesResponse Matches);

public static class DiagnosesApi
{
    public static IEndpointRouteBuilder MapDiagnoses(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/diagnoses").WithTags("Diagnoses");

        group.MapGet("/model", Model)
            .WithName("GetDiagnosticModel")
            .WithSummary("诊断维度与成熟度等级 (dimensions, maturity levels and severities)")
            .WithDescription("Public. The dimensions a diagnosis scores (装备, 生产管理, 质量, 能源与环境, 数据与网络, 供应链 …), the maturity levels 1–5 and the severities of findings. Held as data (`diagnostic-dimensions.json`).")
            .WithProblems(429);

        group.MapPost("/", Assign)
            .RequireAuthorization(Policies.District)
            .WithName("AssignDiagnosis")
            .ProducesETag()
            .WithSummary("委托诊断机构 (assign an assessor to a plan project)")
            .WithDescription("District office only: a project of its own plan and a registered assessor. One diagnosis per project (409 for a second; corrections are new report versions); completed and abandoned projects can't be diagnosed (409). Answers 201 with Location and ETag.")
            .WithAuthProblems().WithProblems(400, 409, 413, 415);

        group.MapGet("/", List)
            .RequireAuthorization()
            .WithName("ListDiagnoses")
            .WithSummary("诊断列表 (list diagnoses)")
            .WithDescription("Paged (pageSize ≤ 100), latest change first. An assessor sees its assignments, an enterprise its diagnoses once a report is submitted, a district office its district's, operators all; others get 403. Filters: projectId, status (assigned, submitted, accepted).")
            .WithAuthProblems().WithProblems(400);

        group.MapGet("/{id}", Get)
            .RequireAuthorization()
            .WithName("GetDiagnosis")
            .ProducesETag()
            .WithSummary("诊断详情 (read a diagnosis)")
            .WithDescription("The assessor (with its draft), the district office, operators, and the enterprise once a version is submitted; anyone else gets 404. The ETag header is the value If-Match expects.")
            .WithAuthProblems().WithProblems(404);

        group.MapPut("/{id}/draft", SaveDraft)
            .RequireAuthorization(Policies.Assessor)
            .WithName("SaveDiagnosisDraft")
            .ProducesETag()
            .WithSummary("保存报告草稿 (save the report draft)")
            .WithDescription("The assigned assessor only; If-Match is required (428 without it, 412 when stale). Replaces the draft of the next version: scores per dimension (unknown dimension, repeated dimension, or a level outside 1–5 is a 400), findings with severity and direction/technology item, recommendations naming their finding. Completeness is checked on submit.")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 413, 415, 428);

        group.MapPost("/{id}/submit", Submit)
            .RequireAuthorization(Policies.Assessor)
            .WithName("SubmitDiagnosisReport")
            .ProducesETag()
            .WithSummary("提交报告 (submit the draft as a new version)")
            .WithDescription("The assigned assessor only. Every dimension must be scored, with at least one finding and one recommendation (400 otherwise); no draft is a 409, and so is a project completed or abandoned meanwhile (nothing is stored). The version is stored immutable; its recommendations become a demand list for the enterprise (each item takes its finding's direction and item, `demandItemId` links them) and are matched at once (reason `diagnosis-submitted` in the feed; while the search engine cannot answer, the list is stored with `matchPending: true` and matched as soon as it answers again); an 意向 plan project moves to 已诊断. A later version closes the previous version's list unless the enterprise accepted it. Answers 201 with the version's Location; 503 with Retry-After while the database is busy (nothing is stored). If-Match is optional and checked when sent.")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 503);

        group.MapGet("/{id}/reports", Reports)
            .RequireAuthorization()
            .WithName("ListDiagnosisReports")
            .WithSummary("报告版本 (submitted report versions)")
            .WithDescription("Every submitted version, oldest first. Same visibility as the diagnosis.")
            .WithAuthProblems().WithProblems(404);

        group.MapGet("/{id}/reports/{version}", Report)
            .RequireAuthorization()
            .WithName("GetDiagnosisReport")
            .WithSummary("报告某一版本 (one submitted version)")
            .WithDescription("A submitted version as it was submitted (immutable). Same visibility as the diagnosis.")
            .WithAuthProblems().WithProblems(404);

        group.MapGet("/{id}/result", Result)
            .RequireAuthorization()
            .WithName("GetDiagnosisResult")
            .WithSummary("一企业一报告一建议 (report, demand list and matches together)")
            .WithDescription("The latest submitted version with the demand list made from its recommendations (as the enterprise has it now, edits included) and that list's latest matches with reasons (top `topK`, default 10, ≤ 50). Same visibility as the diagnosis; 404 before the first version.")
            .WithAuthProblems().WithProblems(400, 404);

        group.MapPost("/{id}/accept", Accept)
            .RequireAuthorization(Policies.Enterprise)
            .WithName("AcceptDiagnosis")
            .ProducesETag()
            .WithSummary("企业确认诊断建议 (the enterprise accepts the recommendations)")
            .WithDescription("The diagnosed enterprise only: accepts the latest version's demand list (it may edit that list first or later through PUT /api/v1/demand-lists/{id}). An accepted list stays open when a correction arrives. 409 when the latest version is already accepted. If-Match is optional and checked when sent.")
            .WithAuthProblems().WithProblems(404, 409, 412);
        return app;
    }

    private static Ok<DiagnosticModel> Model(DiagnosticModel model) => TypedResults.Ok(model);

    private static async Task<Created<DiagnosisResponse>> Assign(AssignDiagnosisRequest? request, ClaimsPrincipal user, DiagnosisStore store, DiagnosticModel model,
        HttpContext context, CancellationToken ct)
    {
        var actor = user.GetActor();
        var diagnosis = await store.AssignAsync(actor, request?.PlanProjectId, request?.AssessorId, ct);
        context.Response.Headers.ETag = diagnosis.ETag;
        return TypedResults.Created($"/api/v1/diagnoses/{diagnosis.Id}", DiagnosisResponse.For(diagnosis, actor, model));
    }

    private static async Task<Ok<PagedList<DiagnosisResponse>>> List(ClaimsPrincipal user, DiagnosisStore store, DiagnosticModel model,
        Guid? projectId, [CodeList(CodeList.DiagnosisStatuses)] string? status, [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, CancellationToken ct)
    {
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        if (status is not null && !DiagnosisStatuses.Codes.Contains(status))
        {
            v.Add("status", $"未知的状态 '{status}' (one of: {string.Join(", ", DiagnosisStatuses.Codes)}).");
        }
        v.ThrowIfAny();
        var actor = user.GetActor();
        var result = await store.ListAsync(actor, new DiagnosisFilter(projectId, status), p, size, ct);
        return TypedResults.Ok(result.Map(d => DiagnosisResponse.For(d, actor, model)));
    }

    private static async Task<Ok<DiagnosisResponse>> Get(Guid id, ClaimsPrincipal user, DiagnosisStore store, DiagnosticModel model, HttpContext context, CancellationToken ct)
    {
        var actor = user.GetActor();
        return Respond(context, actor, model, await store.GetAsync(actor, id, ct));
    }

    private static async Task<Ok<DiagnosisResponse>> SaveDraft(Guid id, ReportRequest? request, ClaimsPrincipal user, DiagnosisStore store, DiagnosticModel model,
        HttpContext context, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct)
    {
        var actor = user.GetActor();
        return Respond(context, actor, model, await store.SaveDraftAsync(actor, id, ifMatch, request?.ToInput(), ct));
    }

    private static async Task<Created<ReportVersionResponse>> Submit(Guid id, ClaimsPrincipal user, DiagnosisStore store, DiagnosticModel model,
        HttpContext context, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct)
    {
        var (diagnosis, report) = await store.SubmitAsync(user.GetActor(), id, ifMatch, ct);
        context.Response.Headers.ETag = diagnosis.ETag;
        return TypedResults.Created($"/api/v1/diagnoses/{id}/reports/{report.Version}", ReportVersionResponse.From(id, report, model));
    }

    private static async Task<Ok<IReadOnlyList<ReportVersionResponse>>> Reports(Guid id, ClaimsPrincipal user, DiagnosisStore store, DiagnosticModel model, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<ReportVersionResponse>>((await store.ReportsAsync(user.GetActor(), id, ct)).Select(r => ReportVersionResponse.From(id, r, model)).ToArray());

    private static async Task<Ok<ReportVersionResponse>> Report(Guid id, int version, ClaimsPrincipal user, DiagnosisStore store, DiagnosticModel model, CancellationToken ct)
    {
        var report = (await store.ReportsAsync(user.GetActor(), id, ct)).FirstOrDefault(r => r.Version == version)
            ?? throw new NotFoundException($"诊断 {id} 没有第 {version} 版报告 (no submitted version {version}).");
        return TypedResults.Ok(ReportVersionResponse.From(id, report, model));
    }

    private static async Task<Ok<DiagnosisResultResponse>> Result(Guid id, [Range(1, MatchRuns.StoredTopK)] int? topK, ClaimsPrincipal user, DiagnosisStore store, DemandStore demands,
        MatchQueries matches, EngagementStore engagements, DiagnosticModel model, CancellationToken ct)
    {
        var v = new Validator();
        var k = topK ?? MatchQueries.DefaultTopK;
        v.Range("topK", k, 1, MatchRuns.StoredTopK);
        v.ThrowIfAny();
        var actor = user.GetActor();
        var diagnosis = await store.GetAsync(actor, id, ct);
        var report = (await store.ReportsAsync(actor, id, ct)).LastOrDefault()
            ?? throw new NotFoundException($"诊断 {id} 尚未提交报告 (no report submitted yet).");
        // The caller may read the diagnosis, and so the list its report created.
        var list = await demands.FindAsync(report.DemandListId, ct) ?? throw new NotFoundException($"需求清单 {report.DemandListId} 不存在 (demand list not found).");
        return TypedResults.Ok(new DiagnosisResultResponse(DiagnosisResponse.For(diagnosis, actor, model), ReportVersionResponse.From(id, report, model),
            DemandListResponse.From(list, actor.IsOperator || actor.OrganizationId == list.OwnerId ? await engagements.OfListAsync(list.Id, ct) : []),
            DemandMatchesResponse.From(list, await matches.LatestAsync(list.Id, k, ct))));
    }

    private static async Task<Ok<DiagnosisResponse>> Accept(Guid id, ClaimsPrincipal user, DiagnosisStore store, DiagnosticModel model, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct)
    {
        var actor = user.GetActor();
        return Respond(context, actor, model, await store.AcceptAsync(actor, id, ifMatch, ct));
    }

    private static Ok<DiagnosisResponse> Respond(HttpContext context, Actor actor, DiagnosticModel model, Diagnosis diagnosis)
    {
        context.Response.Headers.ETag = diagnosis.ETag;
        return TypedResults.Ok(DiagnosisResponse.For(diagnosis, actor, model));
    }
}
