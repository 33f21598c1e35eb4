using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Core.Common;
using Marketplace.Core.Engagements;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Engagements;

public static class EngagementsApi
{
    public static IEndpointRouteBuilder MapEngagements(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/engagements").WithTags("Engagements").RequireAuthorization();

        group.MapPost("/", Create)
            .RequireAuthorization(Policies.Enterprise)
            .WithName("CreateEngagement")
            .ProducesETag()
            .WithSummary("发起对接 (open an engagement from a match)")
            .WithDescription("Enterprise only. Opens an engagement with the integrator of an offering that is among the matches of one of your demand items (the revision as ranked is kept). Your contact details and name are shared with that integrator from this moment on. One engagement in progress per item and offering (409 otherwise); the list must be open and the offering live (409). Answers 201 with Location and ETag.")
            .WithAuthProblems().WithProblems(400, 409, 413, 415);

        group.MapGet("/", List)
            .WithName("ListEngagements")
            .WithSummary("对接列表 (list engagements)")
            .WithDescription("Paged (pageSize ≤ 100), newest change first. Enterprises and integrators see the engagements they are a party to, operators all; the capability center gets 403. Filters: `status`, `itemId`, `offeringId`.")
            .WithAuthProblems().WithProblems(400);

        group.MapGet("/{id}", Get)
            .WithName("GetEngagement")
            .ProducesETag()
            .WithSummary("对接详情 (read an engagement)")
            .WithDescription("The two parties and operators; anyone else gets 404. Carries the audit trail (`history`: who did what, when) and the actions the caller may take now (`allowedActions`). The ETag header is the value If-Match expects.")
            .WithAuthProblems().WithProblems(404);

        group.MapPost("/{id}/transitions", Transition)
            .WithName("TransitionEngagement")
            .ProducesETag()
            .WithSummary("推进对接状态 (take a step of the engagement)")
            .WithDescription("""
                If-Match is required (428 without it, 412 when stale). Actions: `accept` / `decline` (integrator, requested; decline needs a `reason`),
                `contract` (enterprise, accepted: `agreedPriceYuan`, `plannedDays`), `deliver` (integrator, contracted or disputed),
                `verify` — 验收 (enterprise, delivered or disputed: `actualCostYuan`, `actualDays` and `outcomes`, the measured results against the 五个优化, each with a unit, a baseline and the actual value), `dispute` (enterprise, delivered: `reason`),
                `close` (verified: either party; disputed: either party or an operator, with a `reason`), `withdraw` (requested: the enterprise;
                accepted or contracted: either party, with a `reason`). An unknown action or a field the action does not take is a 400, an action
                from the wrong state a 409 naming the allowed ones, the other party's action a 403.
                """)
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 413, 415, 428);
        return app;
    }

    private static async Task<Created<EngagementResponse>> Create(CreateEngagementRequest? request, ClaimsPrincipal user, EngagementStore store, HttpContext context, CancellationToken ct)
    {
        var actor = user.GetActor();
        var input = request is null ? null : new NewEngagement(request.ItemId, request.OfferingId, request.Message,
            request.Contact is null ? null : new EngagementContactInput(request.Contact.Name, request.Contact.Phone, request.Contact.Email));
        var engagement = await store.CreateAsync(actor, input, ct);
        context.Response.Headers.ETag = engagement.ETag;
        return TypedResults.Created($"/api/v1/engagements/{engagement.Id}", EngagementResponse.For(engagement, actor, withHistory: true));
    }

    private static async Task<Ok<PagedList<EngagementResponse>>> List(ClaimsPrincipal user, EngagementStore store, [CodeList(CodeList.EngagementStatuses)] string? status, Guid? itemId, Guid? offeringId,
        [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, CancellationToken ct)
    {
        var actor = user.GetActor();
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        EngagementStatus? statusFilter = null;
        if (status is not null)
        {
            if (EngagementStatuses.TryParse(status, out var parsed))
            {
                statusFilter = parsed;
            }
            else
            {
                v.Add("status", $"未知的状态 '{status}' (one of: {string.Join(", ", EngagementStatuses.Codes)}).");
            }
        }
        v.ThrowIfAny();
        var result = await store.ListAsync(actor, new EngagementListFilter(statusFilter, itemId, offeringId), p, size, ct);
        return TypedResults.Ok(result.Map(e => EngagementResponse.For(e, actor, withHistory: false)));
    }

    private static async Task<Ok<EngagementResponse>> Get(Guid id, ClaimsPrincipal user, EngagementStore store, HttpContext context, CancellationToken ct)
    {
        var actor = user.GetActor();
        var engagement = await store.GetAsync(actor, id, ct);
        context.Response.Headers.ETag = engagement.ETag;
        return TypedResults.Ok(EngagementResponse.For(engagement, actor, withHistory: true));
    }

    private static async Task<Ok<EngagementResponse>> Transition(Guid id, EngagementTransitionRequest? request, ClaimsPrincipal user, EngagementStore store,
        HttpContext context, [FromHeader(Name = "If-Match"), Required] string? ifMatch, CancellationToken ct)
    {
        var actor = user.GetActor();
        var engagement = await store.TransitionAsync(actor, id, ifMatch, request?.ToInput(), ct);
        context.Response.Headers.ETag = engagement.ETag;
        return TypedResults.Ok(EngagementResponse.For(engagement, actor, withHistory: true));
    }
}
