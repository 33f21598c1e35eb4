using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using System.Security.Claims;
using Marketplace.Api.Cases;
using Marketplace.Api.Http;
using Marketplace.Core.Cases;
using Marketplace.Core.Common;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Offerings;

public static class OfferingsApi
{
    public static IEndpointRouteBuilder MapOfferings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/offerings").WithTags("Offerings");

        group.MapPost("/", Create)
            .RequireAuthorization(Policies.Integrator)
            .WithName("CreateOffering")
            .ProducesETag()
            .WithSummary("新建方案草稿 (create a draft offering)")
            .WithDescription("Integrator only. Creates a draft from the offering's content; answers 201 with Location and ETag.")
            .WithAuthProblems().WithProblems(400, 413, 415);

        group.MapGet("/", List)
            .WithName("ListOfferings")
            .WithSummary("方案列表 (list offerings)")
            .WithDescription("Paged (pageSize ≤ 100; for others than owners and operators, the first 10,000 offerings: page on through search's cursor). `owner=me` lists the caller's own offerings in any status; operators may list any owner or status (e.g. `status=submitted` is the review queue; `status=published` lists every live offering, also one whose owner is revising it, whose `status` then shows the revision's and `live` is true). Anonymous callers and other organizations see the published version of every live offering (also one its owner is revising), and may filter by `status=published` only (400 otherwise). Order: the owner and operators see the latest change first; others the newest published version first.")
            .WithProblems(400, 401, 429);

        group.MapGet("/{id}", Get)
            .WithName("GetOffering")
            .ProducesETag()
            .WithSummary("方案详情 (read an offering)")
            .WithDescription("Published offerings are public; drafts, submitted and retired ones only to their owner and operators (404 otherwise). `verifiedCases` lists the offering's published cases from verified engagements with their outcome figures. The ETag header is the value If-Match expects (for others it follows the published version, so an owner's unpublished edits do not show).")
            .WithProblems(401, 404, 429);

        group.MapPut("/{id}", Update)
            .RequireAuthorization(Policies.Integrator)
            .WithName("UpdateOffering")
            .ProducesETag()
            .WithSummary("修改方案 (edit an offering)")
            .WithDescription("Owner only; If-Match is required (428 without it, 412 when stale). A draft is edited in place; editing a published offering starts a new draft revision that goes through review while the published one stays visible. Editing a retired offering starts a new draft revision too; it is not visible until submitted and approved (the way back to the catalog). Submitted (under review) offerings can't be edited (409).")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 413, 415, 428);

        group.MapDelete("/{id}/draft", DiscardDraft)
            .RequireAuthorization(Policies.Integrator)
            .WithName("DiscardOfferingDraft")
            .ProducesETag()
            .WithSummary("放弃草稿 (discard a draft)")
            .WithDescription("Owner only; If-Match is required (428 without it, 412 when stale). An offering never published is deleted (204). A live offering's draft revision is dropped and the offering answers with its published revision as the working one (200); a retired offering's draft is dropped and the offering is retired again (200). A revision under review, or an offering with no draft, is a 409.")
            .WithAuthProblems().WithProblems(404, 409, 412, 428);

        group.MapPost("/{id}/submit", Submit)
            .RequireAuthorization(Policies.Integrator)
            .WithName("SubmitOffering")
            .ProducesETag()
            .WithSummary("提交审核 (submit for review)")
            .WithDescription("Owner only: draft → submitted. If-Match is optional and checked when sent.")
            .WithAuthProblems().WithProblems(404, 409, 412);

        group.MapPost("/{id}/approve", Approve)
            .RequireAuthorization(Policies.Operator)
            .WithName("ApproveOffering")
            .ProducesETag()
            .WithSummary("审核通过并发布 (approve and publish)")
            .WithDescription("Operator only: submitted → published. The revision becomes the live one and is queued for search indexing in the same transaction.")
            .WithAuthProblems().WithProblems(404, 409, 412);

        group.MapPost("/{id}/reject", Reject)
            .RequireAuthorization(Policies.Operator)
            .WithName("RejectOffering")
            .ProducesETag()
            .WithSummary("退回修改 (reject with a reason)")
            .WithDescription("Operator only: submitted → draft, with a reason the owner sees in `rejectReason`.")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 415);

        group.MapPost("/{id}/retire", Retire)
            .RequireAuthorization()
            .WithName("RetireOffering")
            .ProducesETag()
            .WithSummary("下架 (retire)")
            .WithDescription("Owner or operator: a published offering leaves the catalog and the search index. Published versions stay in the history; editing it later (PUT) starts a revision that returns it to the catalog once approved.")
            .WithAuthProblems().WithProblems(404, 409, 412);

        group.MapGet("/{id}/history", History)
            .RequireAuthorization()
            .WithName("GetOfferingHistory")
            .WithSummary("审核记录与历史版本 (audit trail and published versions)")
            .WithDescription("Owner or operator: who did what and when, and every published revision's content.")
            .WithAuthProblems().WithProblems(404);
        return app;
    }

    private static async Task<Created<OfferingResponse>> Create(OfferingInput? input, ClaimsPrincipal user, OfferingStore store, HttpContext context, CancellationToken ct)
    {
        var offering = await store.CreateAsync(user.GetActor(), input, ct);
        context.Response.Headers.ETag = offering.ETag;
        return TypedResults.Created($"/api/v1/offerings/{offering.Id}", OfferingResponse.For(offering, manager: true));
    }

    private static async Task<Ok<PagedList<OfferingResponse>>> List(ClaimsPrincipal user, OfferingStore store, [Description("'me' for the caller's own offerings, or an organization id.")] string? owner, [CodeList(CodeList.OfferingStatuses)] string? status, [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, CancellationToken ct)
    {
        var actor = user.FindActor();
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        OfferingStatus? statusFilter = null;
        if (status is not null)
        {
            if (OfferingStatuses.TryParse(status, out var parsed))
            {
                statusFilter = parsed;
            }
            else
            {
                v.Add("status", $"未知的状态 '{status}' (one of: {string.Join(", ", OfferingStatuses.Codes)}).");
            }
        }
        Guid? ownerId = null;
        if (owner == "me")
        {
            ownerId = actor?.OrganizationId ?? throw new UnauthorizedAccessException();
        }
        else if (owner is not null)
        {
            if (Guid.TryParse(owner, out var parsedOwner))
            {
                ownerId = parsedOwner;
            }
            else
            {
                v.Add("owner", "owner 应为 me 或机构 id (use 'me' or an organization id).");
            }
        }
        var manager = actor is not null && (actor.IsOperator || (ownerId is not null && ownerId == actor.OrganizationId));
        if (!manager && statusFilter is not (null or OfferingStatus.Published))
        {
            // Others see the published version of live offerings; a status filter would tell which of them are being revised.
            v.Add("status", "只有方案所有者和运营方可按其他状态筛选 (only the owner and operators filter by status; others see published offerings).");
        }
        if (!manager && v.IsValid && (long)p * size > OfferingSearchRequest.MaxOffsetWindow)
        {
            // The whole catalog by page number is what search's cursor is for; every deeper page cost a walk over the skipped ones.
            v.Add("page", $"页码过深：前 {OfferingSearchRequest.MaxOffsetWindow} 个方案之后请用 GET /api/v1/offerings/search 的 cursor 翻页 (the list reaches the first {OfferingSearchRequest.MaxOffsetWindow} offerings; page on through search's nextCursor).");
        }
        v.ThrowIfAny();
        // A live offering being revised is still published for others: its row status is the revision's, so others filter on live only.
        var result = await store.ListAsync(new OfferingListFilter(ownerId, manager ? statusFilter : null, LiveOnly: !manager), p, size, ct);
        return TypedResults.Ok(result.Map(o => OfferingResponse.For(o, manager)));
    }

    private static async Task<Ok<OfferingResponse>> Get(Guid id, ClaimsPrincipal user, OfferingStore store, CaseStore cases, HttpContext context, CancellationToken ct)
    {
        var actor = user.FindActor();
        var offering = await store.GetForAsync(actor, id, ct);
        var manager = OfferingStore.CanManage(actor, offering);
        context.Response.Headers.ETag = manager ? offering.ETag : offering.PublicETag;
        var verified = await cases.OfOfferingAsync(id, VerifiedCasesShown, ct);
        return TypedResults.Ok(OfferingResponse.For(offering, manager) with
        {
            VerifiedCases = verified.Select(CaseSummaryResponse.From).ToArray(),
        });
    }

    /// <summary>Verified cases listed on an offering's page.</summary>
    public const int VerifiedCasesShown = 20;

    private static async Task<Ok<OfferingResponse>> Update(Guid id, OfferingInput? input, ClaimsPrincipal user, OfferingStore store, HttpContext context,
        [FromHeader(Name = "If-Match"), Required] string? ifMatch, CancellationToken ct) =>
        Respond(context, await store.UpdateAsync(user.GetActor(), id, ifMatch, input, ct));

    private static async Task<Results<Ok<OfferingResponse>, NoContent>> DiscardDraft(Guid id, ClaimsPrincipal user, OfferingStore store, HttpContext context,
        [FromHeader(Name = "If-Match"), Required] string? ifMatch, CancellationToken ct) =>
        await store.DiscardDraftAsync(user.GetActor(), id, ifMatch, ct) is { } live ? Respond(context, live) : TypedResults.NoContent();

    private static async Task<Ok<OfferingResponse>> Submit(Guid id, ClaimsPrincipal user, OfferingStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, await store.SubmitAsync(user.GetActor(), id, ifMatch, ct));

    private static async Task<Ok<OfferingResponse>> Approve(Guid id, ClaimsPrincipal user, OfferingStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, await store.ApproveAsync(user.GetActor(), id, ifMatch, ct));

    private static async Task<Ok<OfferingResponse>> Reject(Guid id, RejectRequest? request, ClaimsPrincipal user, OfferingStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, await store.RejectAsync(user.GetActor(), id, ifMatch, request?.Reason, ct));

    private static async Task<Ok<OfferingResponse>> Retire(Guid id, ClaimsPrincipal user, OfferingStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, await store.RetireAsync(user.GetActor(), id, ifMatch, ct));

    private static async Task<Ok<OfferingHistoryResponse>> History(Guid id, ClaimsPrincipal user, OfferingStore store, CancellationToken ct)
    {
        var (events, revisions) = await store.HistoryAsync(user.GetActor(), id, ct);
        return TypedResults.Ok(new OfferingHistoryResponse(id,
            // Numbered within the offering: the audit log's own sequence spans every tenant's offerings, and its gaps would
            // tell an integrator how busy the others are.
            events.Select((e, i) => new AuditEventResponse(i + 1, e.RevisionId, e.Action, e.ActorId, e.ActorKind, e.Detail, e.At)).ToArray(),
            revisions.Select(r => new PublishedRevisionResponse(r.Id, r.Number, r.PublishedAt, r.Content)).ToArray()));
    }

    private static Ok<OfferingResponse> Respond(HttpContext context, Offering offering)
    {
        context.Response.Headers.ETag = offering.ETag;
        return TypedResults.Ok(OfferingResponse.For(offering, manager: true));
    }
}
