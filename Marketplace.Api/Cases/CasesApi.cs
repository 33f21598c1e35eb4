using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Core.Cases;
using Marketplace.Core.Common;
using Marketplace.Core.Taxonomy;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Cases;

public static class CasesApi
{
    public const int QueryMax = 200;
    public const int IndustryMax = 100;

    public static IEndpointRouteBuilder MapCases(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/cases").WithTags("Cases");

        group.MapPost("/", Create)
            .RequireAuthorization()
            .WithName("CreateCase")
            .ProducesETag()
            .WithSummary("申报案例 (make a case of a verified engagement)")
            .WithDescription("Either party of an engagement that passed 验收 (409 otherwise, and when it has a case already). The case starts as a draft with the creator's consent; it goes to review once the other party consents too. Only the enterprise sets `named`. Answers 201 with Location and ETag.")
            .WithAuthProblems().WithProblems(400, 404, 409, 413, 415);

        group.MapGet("/", List)
            .RequireAuthorization()
            .WithName("ListCases")
            .WithSummary("我的案例 / 审核队列 (your cases, or the review queue)")
            .WithDescription("Operators see every case (`status=submitted` is the review queue); integrators and enterprises see the cases they are a party to. Paged (pageSize ≤ 100).")
            .WithAuthProblems().WithProblems(400);

        group.MapGet("/search", Search)
            .WithName("SearchCases")
            .WithSummary("案例库检索 (search the case library)")
            .WithDescription("Public. Published cases by Chinese text (`q`, the offering search's analysis: words, bigrams and the taxonomy thesaurus; results carry a 0–1 `score`), direction, technology item (`subDirection`), the enterprise's district and industry (substring), or offering. Without `q`, newest first. Paged (pageSize ≤ 100).")
            .WithProblems(400, 429);

        group.MapGet("/{id}", Get)
            .WithName("GetCase")
            .ProducesETag()
            .WithSummary("案例详情 (read a case)")
            .WithDescription("Published cases are public; drafts and cases in review only to the two parties and operators (404 otherwise). The enterprise is named only when it chose so. The ETag header is the value If-Match expects; If-None-Match naming it is answered 304 Not Modified while it is current.")
            .WithProblems(404, 429);

        group.MapPut("/{id}", Update)
            .RequireAuthorization()
            .WithName("UpdateCase")
            .ProducesETag()
            .WithSummary("修改案例草稿 (edit a draft case)")
            .WithDescription("Either party, drafts only (409 otherwise; revoke consent to take a published case back to draft). If-Match is required (428 without it, 412 when stale). The other party's consent is withdrawn: it consented to other words.")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 413, 415, 428);

        group.MapPost("/{id}/consent", Consent)
            .RequireAuthorization()
            .WithName("ConsentToCase")
            .ProducesETag()
            .WithSummary("同意公开 (consent to publishing)")
            .WithDescription("Either party, on a draft. The enterprise may say whether it is named (`named`). With both consents the case goes to operator review (status submitted). Consenting again to a draft changes nothing (the first consent's time stands). If-Match is optional and checked when sent.")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 415);

        group.MapPost("/{id}/revoke-consent", Revoke)
            .RequireAuthorization()
            .WithName("RevokeCaseConsent")
            .ProducesETag()
            .WithSummary("撤回同意 (withdraw consent)")
            .WithDescription("Either party, at any time: the case leaves the library (or the review queue) at once and is a draft again. If-Match is optional and checked when sent.")
            .WithAuthProblems().WithProblems(404, 409, 412);

        group.MapPost("/{id}/approve", Approve)
            .RequireAuthorization(Policies.Operator)
            .WithName("ApproveCase")
            .ProducesETag()
            .WithSummary("审核通过并发布 (approve and publish)")
            .WithDescription("Operator only: submitted → published. The case enters the library and becomes searchable in the same transaction.")
            .WithAuthProblems().WithProblems(404, 409, 412);

        group.MapPost("/{id}/reject", Reject)
            .RequireAuthorization(Policies.Operator)
            .WithName("RejectCase")
            .ProducesETag()
            .WithSummary("退回修改 (reject with a reason)")
            .WithDescription("Operator only: submitted → draft with the reason; both consents are cleared (the parties will change the text and consent again).")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 415);
        return app;
    }

    private static async Task<Created<CaseResponse>> Create(CreateCaseRequest? request, ClaimsPrincipal user, CaseStore store, HttpContext context, CancellationToken ct)
    {
        var actor = user.GetActor();
        var created = await store.CreateAsync(actor, request is null ? null : new NewCase(request.EngagementId, request.Title, request.Summary, request.Named), ct);
        context.Response.Headers.ETag = created.ETag;
        return TypedResults.Created($"/api/v1/cases/{created.Id}", CaseResponse.For(created, actor, withHistory: true));
    }

    private static async Task<Ok<PagedList<CaseResponse>>> List(ClaimsPrincipal user, CaseStore store, [CodeList(CodeList.CaseStatuses)] string? status,
        [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, CancellationToken ct)
    {
        var actor = user.GetActor();
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        if (status is not null && !CaseStatuses.Codes.Contains(status))
        {
            v.Add("status", $"未知的状态 '{status}' (one of: {string.Join(", ", CaseStatuses.Codes)}).");
        }
        v.ThrowIfAny();
        var result = await store.ListAsync(actor, status, p, size, ct);
        return TypedResults.Ok(result.Map(k => CaseResponse.For(k, actor, withHistory: false)));
    }

    private static async Task<Ok<PagedList<CaseResponse>>> Search([MaxLength(QueryMax)] string? q, [CodeList(CodeList.Directions)] string? direction, [CodeList(CodeList.SubDirections)] string? subDirection,
        [CodeList(CodeList.Districts)] string? district, [MaxLength(IndustryMax)] string? industry, Guid? offeringId,
        [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, ClaimsPrincipal user, CaseStore store, TaxonomyCatalog taxonomy, CancellationToken ct)
    {
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        v.Text("q", q, QueryMax);
        v.Text("industry", industry, IndustryMax);
        if (direction is not null && !taxonomy.IsDirection(direction))
        {
            v.Add("direction", TaxonomyChecks.UnknownDirection(direction));
        }
        if (subDirection is not null && !taxonomy.IsSubDirection(subDirection))
        {
            v.Add("subDirection", TaxonomyChecks.UnknownSubDirection(subDirection));
        }
        if (district is not null && !taxonomy.IsDistrict(district))
        {
            v.Add("district", TaxonomyChecks.UnknownDistrict(district));
        }
        v.ThrowIfAny();
        var actor = user.FindActor();
        var result = await store.SearchAsync(new CaseQuery(q, direction, subDirection, district, industry, offeringId), p, size, ct);
        return TypedResults.Ok(result.Map(k => CaseResponse.For(k, actor, withHistory: false)));
    }

    private static async Task<Results<Ok<CaseResponse>, NotModified>> Get(Guid id, ClaimsPrincipal user, CaseStore store, HttpContext context,
        [FromHeader(Name = "If-None-Match")] string? ifNoneMatch, CancellationToken ct)
    {
        var actor = user.FindActor();
        var found = await store.GetAsync(actor, id, ct);
        if (NotModified.When(ifNoneMatch, found.ETag) is { } unchanged)
        {
            return unchanged;
        }
        return Respond(context, actor, found);
    }

    private static async Task<Ok<CaseResponse>> Update(Guid id, UpdateCaseRequest? request, ClaimsPrincipal user, CaseStore store, HttpContext context,
        [FromHeader(Name = "If-Match"), Required] string? ifMatch, CancellationToken ct) =>
        Respond(context, user.GetActor(), await store.UpdateAsync(user.GetActor(), id, ifMatch, request is null ? null : new CaseEdit(request.Title, request.Summary), ct));

    private static async Task<Ok<CaseResponse>> Consent(Guid id, ConsentRequest? request, ClaimsPrincipal user, CaseStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, user.GetActor(), await store.ConsentAsync(user.GetActor(), id, ifMatch, request?.Named, ct));

    private static async Task<Ok<CaseResponse>> Revoke(Guid id, ClaimsPrincipal user, CaseStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, user.GetActor(), await store.RevokeConsentAsync(user.GetActor(), id, ifMatch, ct));

    private static async Task<Ok<CaseResponse>> Approve(Guid id, ClaimsPrincipal user, CaseStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, user.GetActor(), await store.ApproveAsync(user.GetActor(), id, ifMatch, ct));

    private static async Task<Ok<CaseResponse>> Reject(Guid id, CaseReviewRequest? request, ClaimsPrincipal user, CaseStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, user.GetActor(), await store.RejectAsync(user.GetActor(), id, ifMatch, request?.Reason, ct));

    private static Ok<CaseResponse> Respond(HttpContext context, Actor? actor, Case k)
    {
        context.Response.Headers.ETag = k.ETag;
        return TypedResults.Ok(CaseResponse.For(k, actor, withHistory: true));
    }
}
