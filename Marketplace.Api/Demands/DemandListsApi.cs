using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Core.Common;
using Marketplace.Core.Demands;
using Marketplace.Core.Engagements;
using Marketplace.Core.Matching;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Demands;

public static class DemandListsApi
{
    public static IEndpointRouteBuilder MapDemandLists(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/demand-lists").WithTags("Demand lists").RequireAuthorization();

        group.MapPost("/", Create)
            .RequireAuthorization(Policies.Enterprise)
            .WithName("CreateDemandList")
            .ProducesETag()
            .WithSummary("提交需求清单 (submit a demand list)")
            .WithDescription("Enterprise only. 1–50 items, each a need in the enterprise's own words (≤ 1,000 characters) with optional direction, sub-direction, budget (yuan) and time frame (days). Every item is matched at once and the run is stored (a match event per item in the feed). While the search engine cannot answer, the list is stored all the same with `matchPending: true` and matched as soon as search answers again (its events then appear in the feed). Answers 201 with Location and ETag.")
            .WithAuthProblems().WithProblems(400, 413, 415);

        group.MapGet("/", List)
            .WithName("ListDemandLists")
            .WithSummary("需求清单列表 (list demand lists)")
            .WithDescription("Paged (pageSize ≤ 100), newest change first. Enterprises see their own lists; operators and the capability center see all. Integrators get 403 (they see leads instead).")
            .WithAuthProblems().WithProblems(400);

        group.MapGet("/{id}", Get)
            .WithName("GetDemandList")
            .ProducesETag()
            .WithSummary("需求清单详情 (read a demand list)")
            .WithDescription("The owning enterprise, operators, the capability center and the office of the enterprise's district (by id: its plan and diagnoses link the lists); anyone else gets 404. Each item lists the engagements opened from its matches (only for the enterprise and operators). The ETag header is the value If-Match expects. If-None-Match naming it is answered 304 Not Modified while it is current, except to the enterprise and operators: the engagements they see change without a new ETag, so they always get the list in full.")
            .WithAuthProblems().WithProblems(404);

        group.MapPut("/{id}", Update)
            .RequireAuthorization(Policies.Enterprise)
            .WithName("UpdateDemandList")
            .ProducesETag()
            .WithSummary("修改需求清单 (edit a demand list)")
            .WithDescription("Owner only; If-Match is required (428 without it, 412 when stale). Replaces the title and items: items sent with their `id` keep it, items without one are new, items left out are removed. The items that are new or whose text, direction, sub-direction, budget or time frame changed are matched again (one run, reason `list-updated`; the others keep their stored matches, so a title edit or a new order stores no run), or, while the search engine cannot answer, stored with `matchPending: true` and matched as soon as it answers. Closed lists can't be edited (409).")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 413, 415, 428);

        group.MapPost("/{id}/close", Close)
            .RequireAuthorization(Policies.Enterprise)
            .WithName("CloseDemandList")
            .ProducesETag()
            .WithSummary("关闭需求清单 (close a demand list)")
            .WithDescription("Owner only. A closed list keeps its stored matches but is no longer re-matched, counted in statistics or offered as a lead. If-Match is optional and checked when sent.")
            .WithAuthProblems().WithProblems(404, 409, 412);

        group.MapGet("/{id}/matches", Matches)
            .WithName("GetDemandListMatches")
            .WithSummary("匹配结果 (matched offerings with reasons)")
            .WithDescription("The latest stored match run of every item: what the matcher understood the item to ask for (`understanding`, in Chinese, with the technology items and the words of the demand behind them, and `understandingConfidence`: below 0.5 a guess, which `note` says, asking for the problem or the item), inferred directions and the top `topK` (default 10, ≤ 50) offerings with score (0–1), machine-readable reasons in Chinese (`need` says which part of the need the offering meets) and matched terms. Offerings unrelated to the need are left out rather than listed (`note` says so). A snapshot: titles, suppliers and revisions are as ranked, even after the offering changes. Readable by the owner, operators, the capability center and the office of the enterprise's district.")
            .WithAuthProblems().WithProblems(400, 404);
        return app;
    }

    private static async Task<Created<DemandListResponse>> Create(DemandListRequest? request, ClaimsPrincipal user, DemandStore store, HttpContext context, CancellationToken ct)
    {
        var list = await store.CreateAsync(user.GetActor(), request?.ToInput(), ct);
        context.Response.Headers.ETag = list.ETag;
        return TypedResults.Created($"/api/v1/demand-lists/{list.Id}", DemandListResponse.From(list, []));
    }

    private static async Task<Ok<PagedList<DemandListSummaryResponse>>> List(ClaimsPrincipal user, DemandStore store, [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, CancellationToken ct)
    {
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        v.ThrowIfAny();
        var result = await store.ListAsync(user.GetActor(), p, size, ct);
        return TypedResults.Ok(result.Map(DemandListSummaryResponse.From));
    }

    private static async Task<Results<Ok<DemandListResponse>, NotModified>> Get(Guid id, ClaimsPrincipal user, DemandStore store, EngagementStore engagements,
        HttpContext context, [FromHeader(Name = "If-None-Match")] string? ifNoneMatch, CancellationToken ct)
    {
        var actor = user.GetActor();
        var list = await store.GetAsync(actor, id, ct);
        // The engagements opened from its items change without a new version of the list: who sees them gets it in full.
        if (!SeesEngagements(actor, list) && NotModified.When(ifNoneMatch, list.ETag) is { } unchanged)
        {
            return unchanged;
        }
        return await RespondAsync(context, actor, list, engagements, ct);
    }

    private static async Task<Ok<DemandListResponse>> Update(Guid id, DemandListRequest? request, ClaimsPrincipal user, DemandStore store, EngagementStore engagements,
        HttpContext context, [FromHeader(Name = "If-Match"), Required] string? ifMatch, CancellationToken ct) =>
        await RespondAsync(context, user.GetActor(), await store.UpdateAsync(user.GetActor(), id, ifMatch, request?.ToInput(), ct), engagements, ct);

    private static async Task<Ok<DemandListResponse>> Close(Guid id, ClaimsPrincipal user, DemandStore store, EngagementStore engagements, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        await RespondAsync(context, user.GetActor(), await store.CloseAsync(user.GetActor(), id, ifMatch, ct), engagements, ct);

    private static async Task<Ok<DemandMatchesResponse>> Matches(Guid id, [Range(1, MatchRuns.StoredTopK)] int? topK, ClaimsPrincipal user, DemandStore store, MatchQueries matches, CancellationToken ct)
    {
        var v = new Validator();
        var k = topK ?? MatchQueries.DefaultTopK;
        v.Range("topK", k, 1, MatchRuns.StoredTopK);
        v.ThrowIfAny();
        var list = await store.GetAsync(user.GetActor(), id, ct);
        return TypedResults.Ok(DemandMatchesResponse.From(list, await matches.LatestAsync(id, k, ct)));
    }

    /// <summary>The list with its items' engagements, which only the enterprise and operators may see (engagements are private to their parties).</summary>
    private static async Task<Ok<DemandListResponse>> RespondAsync(HttpContext context, Actor actor, DemandList list, EngagementStore engagements, CancellationToken ct)
    {
        context.Response.Headers.ETag = list.ETag;
        var visible = SeesEngagements(actor, list) ? await engagements.OfListAsync(list.Id, ct) : [];
        return TypedResults.Ok(DemandListResponse.From(list, visible));
    }

    private static bool SeesEngagements(Actor actor, DemandList list) => actor.IsOperator || actor.OrganizationId == list.OwnerId;
}
