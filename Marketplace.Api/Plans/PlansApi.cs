using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Core.Common;
using Marketplace.Core.Plans;
using Marketplace.Core.Taxonomy;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Plans;

/// <param name="Year">The plan year (2000–2100).</param>
/// <param name="EnterpriseId">An enterprise of the caller's district: required to create, and the same (or left out) when editing.</param>
/// <param name="Title">The planned project (≤ 200 characters).</param>
/// <param name="Description">Optional detail (≤ 2,000 characters).</param>
/// <param name="Directions">1–3 direction codes of the annex.</param>
/// <param name="SubDirections">Technology items of those directions.</param>
/// <param name="PlannedInvestmentYuan">Planned investment in yuan (≥ 0).</param>
/// <param name="PlannedStart">Planned start (yyyy-MM-dd).</param>
/// <param name="PlannedFinish">Planned finish (yyyy-MM-dd, not before the start).</param>
public sealed record PlanProjectRequest(
    [Required, Range(PlanStore.MinYear, PlanStore.MaxYear)] int? Year,
    Guid? EnterpriseId,
    [Required, MaxLength(PlanStore.TitleMax)] string? Title,
    [MaxLength(PlanStore.DescriptionMax)] string? Description,
    [Required, Length(1, PlanStore.DirectionsMax), CodeList(CodeList.Directions)] IReadOnlyList<string>? Directions,
    [CodeList(CodeList.SubDirections)] IReadOnlyList<string>? SubDirections,
    [Required, Range(0d, PlanStore.InvestmentLimitYuan)] long? PlannedInvestmentYuan,
    [Required] DateOnly? PlannedStart,
    [Required] DateOnly? PlannedFinish)
{
    public PlanProjectInput ToInput() => new(Year, EnterpriseId, Title, Description, Directions, SubDirections, PlannedInvestmentYuan, PlannedStart, PlannedFinish);
}

/// <param name="Status">intent, diagnosed, engaged, implementing, completed or abandoned.</param>
/// <param name="Reason">Required for a jump over steps, a step back and abandoning (≤ 1,000 characters).</param>
/// <param name="ActualInvestmentYuan">Required when completing: the investment actually made, in yuan.</param>
public sealed record PlanStatusRequest(
    [Required, CodeList(CodeList.PlanStatuses)] string? Status,
    [MaxLength(PlanStore.ReasonMax)] string? Reason,
    [Range(0d, PlanStore.InvestmentLimitYuan)] long? ActualInvestmentYuan);

public sealed record EnterpriseRef(Guid Id, string Name);

public sealed record PlanProjectResponse(
    Guid Id,
    int Year,
    string District,
    EnterpriseRef Enterprise,
    string Title,
    string? Description,
    IReadOnlyList<string> Directions,
    IReadOnlyList<string> SubDirections,
    long PlannedInvestmentYuan,
    DateOnly PlannedStart,
    DateOnly PlannedFinish,
    string Status,
    string StatusName,
    string? StatusReason,
    long? ActualInvestmentYuan,
    Guid? DiagnosisId,
    Guid? DemandListId,
    IReadOnlyList<PlanEngagementResponse> Engagements,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static PlanProjectResponse From(PlanProject p, IReadOnlyDictionary<Guid, IReadOnlyList<PlanEngagement>> engagements) => new(p.Id, p.Year, p.District, new EnterpriseRef(p.EnterpriseId, p.EnterpriseName), p.Title,
        p.Description, p.Directions, p.SubDirections, p.PlannedInvestmentYuan, p.PlannedStart, p.PlannedFinish, p.Status, PlanStatuses.Name(p.Status),
        p.StatusReason, p.ActualInvestmentYuan, p.DiagnosisId, p.DemandListId,
        (engagements.TryGetValue(p.Id, out var found) ? found : [])
            .Select(e => new PlanEngagementResponse(e.Id, e.ItemId, e.OfferingTitle, e.Status)).ToArray(),
        p.CreatedAt, p.UpdatedAt);

    /// <summary>The projects with the engagements opened from their demand lists (one query for them all).</summary>
    public static async Task<PlanProjectResponse[]> ForAsync(IReadOnlyCollection<PlanProject> projects, PlanEngagements engagements, CancellationToken ct)
    {
        var byProject = await engagements.OfProjectsAsync(projects.Select(p => p.Id).ToArray(), ct);
        return projects.Select(p => From(p, byProject)).ToArray();
    }
}

/// <summary>An engagement (对接) opened from one of the project's demand lists (any report version's): its id, the demand item, the offering and where it stands.</summary>
public sealed record PlanEngagementResponse(Guid Id, Guid ItemId, string OfferingTitle, string Status);

public sealed record PlanStatusEventResponse(long Seq, string? FromStatus, string ToStatus, string? Reason, Guid ActorId, string ActorKind, DateTimeOffset At);

public sealed record PlanYearResponse(int Year, int Projects, int Enterprises, long PlannedInvestmentYuan, IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyList<PlanProjectResponse> Items, bool Truncated);

public sealed record RollingPlanResponse(string? District, int FromYear, int ToYear, IReadOnlyList<PlanYearResponse> Years);

public static class PlansApi
{
    public static IEndpointRouteBuilder MapPlans(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/plan-projects").WithTags("District plans").RequireAuthorization();

        group.MapPost("/", Create)
            .RequireAuthorization(Policies.District)
            .WithName("CreatePlanProject")
            .ProducesETag()
            .WithSummary("新增计划项目 (add a project to the district plan)")
            .WithDescription("District office only (清单化管理): an enterprise of the caller's district, the planned project, its directions and technology items, planned investment and planned start/finish for a year. It starts as `intent` (意向). Answers 201 with Location and ETag.")
            .WithAuthProblems().WithProblems(400, 413, 415);

        group.MapGet("/", List)
            .WithName("ListPlanProjects")
            .WithSummary("计划项目列表 (list plan projects)")
            .WithDescription("Paged (pageSize ≤ 100), by year then creation. A district office sees its own district (a `district` naming another is a 403); an enterprise its own projects (an `enterpriseId` naming another enterprise is a 403); operators and the capability center every district (filter with `district`). Integrators and assessors get 403. Filters: year, fromYear/toYear, status, enterpriseId, direction.")
            .WithAuthProblems().WithProblems(400);

        group.MapGet("/rolling", Rolling)
            .WithName("GetRollingPlan")
            .WithSummary("五年滚动计划 (the five-year rolling plan)")
            .WithDescription("Five consecutive years from `fromYear` (default: this year), each with its projects (at most 500 listed per year, `truncated` says when more exist), enterprises, planned investment (of the projects not abandoned, as on the scoreboard) and counts by status. Same visibility as the list; operators and the capability center may pass `district`.")
            .WithAuthProblems().WithProblems(400);

        group.MapGet("/{id}", Get)
            .WithName("GetPlanProject")
            .ProducesETag()
            .WithSummary("计划项目详情 (read a plan project)")
            .WithDescription("With its linked diagnosis, demand list and the engagements opened from that list. The district office of the project's district, the enterprise, operators and the capability center; anyone else gets 404. The ETag header is the value If-Match expects.")
            .WithAuthProblems().WithProblems(404);

        group.MapPut("/{id}", Update)
            .WithName("UpdatePlanProject")
            .ProducesETag()
            .WithSummary("修改计划项目 (edit a plan project)")
            .WithDescription("The district office or an operator; If-Match is required (428 without it, 412 when stale). Replaces year, title, description, directions, items, planned investment and dates; the enterprise can't change. Completed and abandoned projects can't be edited (409).")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 413, 415, 428);

        group.MapPost("/{id}/status", Move)
            .WithName("MovePlanProjectStatus")
            .ProducesETag()
            .WithSummary("变更项目状态 (move a project's status)")
            .WithDescription("The district office or an operator. 意向 intent → 已诊断 diagnosed → 已对接 engaged → 实施中 implementing → 已完成 completed, or 放弃 abandoned. The next step needs nothing more; a move that skips steps, a step back and abandoning need a `reason` (400 without); completing needs `actualInvestmentYuan`. Completed and abandoned are final (409). Every move is audited (see history). If-Match is optional and checked when sent.")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 415);

        group.MapGet("/{id}/history", History)
            .WithName("GetPlanProjectHistory")
            .WithSummary("状态变更记录 (status history)")
            .WithDescription("Every status move of the project: from, to, reason, who (organization and kind) and when. Same visibility as the project.")
            .WithAuthProblems().WithProblems(404);
        return app;
    }

    private static async Task<Created<PlanProjectResponse>> Create(PlanProjectRequest? request, ClaimsPrincipal user, PlanStore store, HttpContext context, CancellationToken ct)
    {
        var project = await store.CreateAsync(user.GetActor(), request?.ToInput(), ct);
        context.Response.Headers.ETag = project.ETag;
        return TypedResults.Created($"/api/v1/plan-projects/{project.Id}", PlanProjectResponse.From(project, new Dictionary<Guid, IReadOnlyList<PlanEngagement>>()));
    }

    private static async Task<Ok<PagedList<PlanProjectResponse>>> List(ClaimsPrincipal user, PlanStore store, PlanEngagements engagements, TaxonomyCatalog taxonomy,
        [Range(PlanStore.MinYear, PlanStore.MaxYear)] int? year, [Range(PlanStore.MinYear, PlanStore.MaxYear)] int? fromYear, [Range(PlanStore.MinYear, PlanStore.MaxYear)] int? toYear, [CodeList(CodeList.PlanStatuses)] string? status, Guid? enterpriseId,
        [CodeList(CodeList.Directions)] string? direction, [CodeList(CodeList.Districts)] string? district, [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, CancellationToken ct)
    {
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        v.Range("year", year, PlanStore.MinYear, PlanStore.MaxYear);
        v.Range("fromYear", fromYear, PlanStore.MinYear, PlanStore.MaxYear);
        v.Range("toYear", toYear, PlanStore.MinYear, PlanStore.MaxYear);
        if (fromYear is not null && toYear < fromYear)
        {
            v.Add("toYear", "结束年份不能早于开始年份 (must not be before fromYear).");
        }
        if (status is not null && !PlanStatuses.IsKnown(status))
        {
            v.Add("status", $"未知的状态 '{status}' (one of: {string.Join(", ", PlanStatuses.Codes)}).");
        }
        TaxonomyChecks.OptionalDirection(v, taxonomy, "direction", direction);
        TaxonomyChecks.OptionalDistrict(v, taxonomy, "district", district);
        v.ThrowIfAny();
        var result = await store.ListAsync(user.GetActor(), new PlanFilter(district, year, fromYear, toYear, status, enterpriseId, direction), p, size, ct);
        return TypedResults.Ok(new PagedList<PlanProjectResponse>(await PlanProjectResponse.ForAsync(result.Items, engagements, ct), result.Page, result.PageSize, result.Total));
    }

    private static async Task<Ok<RollingPlanResponse>> Rolling(ClaimsPrincipal user, PlanStore store, PlanEngagements engagements, TaxonomyCatalog taxonomy, TimeProvider clock,
        [Range(PlanStore.MinYear, PlanStore.MaxYear - PlanStore.RollingYears + 1)] int? fromYear, [CodeList(CodeList.Districts)] string? district, CancellationToken ct)
    {
        var v = new Validator();
        var from = fromYear ?? ChinaTime.Year(clock);
        v.Range("fromYear", from, PlanStore.MinYear, PlanStore.MaxYear - PlanStore.RollingYears + 1);
        TaxonomyChecks.OptionalDistrict(v, taxonomy, "district", district);
        v.ThrowIfAny();
        var actor = user.GetActor();
        var (covered, years) = await store.RollingAsync(actor, district, from, ct);
        var items = (await PlanProjectResponse.ForAsync(years.SelectMany(y => y.Items).ToArray(), engagements, ct)).ToLookup(p => p.Year);
        return TypedResults.Ok(new RollingPlanResponse(covered, from, from + PlanStore.RollingYears - 1,
            years.Select(y => new PlanYearResponse(y.Year, y.Projects, y.Enterprises, y.PlannedInvestmentYuan, y.ByStatus,
                items[y.Year].ToArray(), y.Truncated)).ToArray()));
    }

    private static async Task<Ok<PlanProjectResponse>> Get(Guid id, ClaimsPrincipal user, PlanStore store, PlanEngagements engagements, HttpContext context, CancellationToken ct) =>
        await RespondAsync(context, engagements, await store.GetAsync(user.GetActor(), id, ct), ct);

    private static async Task<Ok<PlanProjectResponse>> Update(Guid id, PlanProjectRequest? request, ClaimsPrincipal user, PlanStore store, PlanEngagements engagements,
        HttpContext context, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        await RespondAsync(context, engagements, await store.UpdateAsync(user.GetActor(), id, ifMatch, request?.ToInput(), ct), ct);

    private static async Task<Ok<PlanProjectResponse>> Move(Guid id, PlanStatusRequest? request, ClaimsPrincipal user, PlanStore store, PlanEngagements engagements,
        HttpContext context, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        await RespondAsync(context, engagements, await store.MoveAsync(user.GetActor(), id, ifMatch,
            new PlanStatusMove(request?.Status, request?.Reason, request?.ActualInvestmentYuan), ct), ct);

    private static async Task<Ok<IReadOnlyList<PlanStatusEventResponse>>> History(Guid id, ClaimsPrincipal user, PlanStore store, CancellationToken ct)
    {
        var events = await store.HistoryAsync(user.GetActor(), id, ct);
        return TypedResults.Ok<IReadOnlyList<PlanStatusEventResponse>>(
            events.Select(e => new PlanStatusEventResponse(e.Seq, e.FromStatus, e.ToStatus, e.Reason, e.ActorId, e.ActorKind, e.At)).ToArray());
    }

    private static async Task<Ok<PlanProjectResponse>> RespondAsync(HttpContext context, PlanEngagements engagements, PlanProject project, CancellationToken ct)
    {
        context.Response.Headers.ETag = project.ETag;
        return TypedResults.Ok((await PlanProjectResponse.ForAsync([project], engagements, ct))[0]);
    }
}
