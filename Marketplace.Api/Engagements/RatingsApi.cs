using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Core.Common;
using Marketplace.Core.Engagements;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Engagements;

/// <param name="Quality">1–5.</param>
/// <param name="Timeliness">1–5.</param>
/// <param name="Value">1–5 (value for money).</param>
/// <param name="Comment">Optional, ≤ 1,000 characters.</param>
public sealed record RatingRequest(
    [Required, Range(1, 5)] int? Quality,
    [Required, Range(1, 5)] int? Timeliness,
    [Required, Range(1, 5)] int? Value,
    [MaxLength(RatingStore.CommentMax)] string? Comment)
{
    public RatingInput ToInput() => new(Quality, Timeliness, Value, Comment);
}

/// <param name="Reason">Why the comment is hidden (shown to the engagement's parties and operators, not in the public list).</param>
public sealed record HideCommentRequest([Required, MaxLength(RatingStore.HideReasonMax)] string? Reason);

/// <summary>The rating's enterprise as the public sees it: its name only when it opted in (discloseName), else district and industry.</summary>
public sealed record RatingEnterpriseResponse(string? Name, string District, string? Industry);

/// <param name="EngagementId">The rated engagement; null in the public list, where it would tie an enterprise named in a case to the rating it gave unnamed.</param>
/// <param name="Comment">Null when an operator hid it (operators still see the text).</param>
/// <param name="CommentHiddenReason">The operator's reason for hiding the comment, for the engagement's parties and operators; null in the public list.</param>
/// <param name="EditableUntil">The enterprise may edit the rating until then (30 days after it was given).</param>
public sealed record RatingResponse(
    Guid? EngagementId,
    Guid IntegratorId,
    int Quality,
    int Timeliness,
    int Value,
    string? Comment,
    bool CommentHidden,
    string? CommentHiddenReason,
    RatingEnterpriseResponse Enterprise,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset EditableUntil)
{
    /// <summary>The rating as its parties and operators read it; a hidden comment's text for operators only.</summary>
    public static RatingResponse ForParties(Rating r, bool isOperator) => new(r.EngagementId, r.IntegratorId, r.Quality, r.Timeliness, r.Value,
        r.CommentHidden && !isOperator ? null : r.Comment, r.CommentHidden, r.CommentHiddenReason,
        new RatingEnterpriseResponse(r.EnterpriseName, r.EnterpriseDistrict, r.EnterpriseIndustry), r.CreatedAt, r.UpdatedAt, r.CreatedAt + RatingStore.EditWindow);

    /// <summary>The rating as anyone reads it in an integrator's list: no hidden comment, no moderation reason, no engagement.</summary>
    public static RatingResponse ForPublic(Rating r) => ForParties(r, isOperator: false) with { EngagementId = null, CommentHiddenReason = null };
}

public static class RatingsApi
{
    public static IEndpointRouteBuilder MapRatings(this IEndpointRouteBuilder app)
    {
        var rating = app.MapGroup("/api/v1/engagements/{id}/rating").WithTags("Ratings").RequireAuthorization();

        rating.MapPost("/", Create)
            .RequireAuthorization(Policies.Enterprise)
            .WithName("RateEngagement")
            .ProducesETag()
            .WithSummary("评价已验收的对接 (rate a verified engagement)")
            .WithDescription("The engagement's enterprise only, once the engagement passed 验收 (status verified, or closed after it); 409 before that or when it is rated already. Scores 1–5 for quality, timeliness and value, an optional comment. Answers 201 with Location and ETag.")
            .WithAuthProblems().WithProblems(400, 404, 409, 413, 415);

        rating.MapPut("/", Update)
            .RequireAuthorization(Policies.Enterprise)
            .WithName("UpdateEngagementRating")
            .ProducesETag()
            .WithSummary("修改评价 (edit a rating)")
            .WithDescription("The engagement's enterprise, within 30 days of giving the rating (409 after). If-Match is required (428 without it, 412 when stale). A changed comment is shown again even if an operator hid the earlier one.")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 413, 415, 428);

        rating.MapGet("/", Get)
            .WithName("GetEngagementRating")
            .ProducesETag()
            .WithSummary("读取评价 (read a rating)")
            .WithDescription("The engagement's parties and operators; 404 for anyone else and when there is no rating yet. The ETag header is the value If-Match expects; If-None-Match naming it is answered 304 Not Modified while it is current.")
            .WithAuthProblems().WithProblems(404);

        rating.MapPost("/hide-comment", Hide)
            .RequireAuthorization(Policies.Operator)
            .WithName("HideRatingComment")
            .ProducesETag()
            .WithSummary("隐藏不当评价内容 (hide an abusive comment)")
            .WithDescription("Operator only, with a reason. The scores stay and count; the comment is no longer shown to anyone but operators. If-Match is optional and checked when sent.")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 415);

        var integrators = app.MapGroup("/api/v1/integrators").WithTags("Ratings");

        integrators.MapGet("/{id}/profile", Profile)
            .WithName("GetIntegratorProfile")
            .WithSummary("服务商履约档案 (an integrator's track record)")
            .WithDescription("Public. Counts of published offerings, completed (verified) engagements and published cases; average ratings with the number of ratings; the share of completed engagements delivered within the planned days (on time) and of those whose actual cost exceeded the agreed price (cost overrun), each with the number it is taken over. Null averages and shares mean no data yet.")
            .WithProblems(404, 429);

        integrators.MapGet("/{id}/ratings", Ratings)
            .WithName("ListIntegratorRatings")
            .WithSummary("服务商评价列表 (an integrator's ratings)")
            .WithDescription("Public, newest first, paged (pageSize ≤ 100). Hidden comments are left out (with the operator's reason); enterprises are named only when they opted in, and no rating names its engagement, which a public case may name with its enterprise.")
            .WithProblems(400, 404, 429);
        return app;
    }

    private static async Task<Created<RatingResponse>> Create(Guid id, RatingRequest? request, ClaimsPrincipal user, RatingStore store, HttpContext context, CancellationToken ct)
    {
        var rating = await store.CreateAsync(user.GetActor(), id, request?.ToInput(), ct);
        context.Response.Headers.ETag = rating.ETag;
        return TypedResults.Created($"/api/v1/engagements/{id}/rating", RatingResponse.ForParties(rating, isOperator: false));
    }

    private static async Task<Ok<RatingResponse>> Update(Guid id, RatingRequest? request, ClaimsPrincipal user, RatingStore store, HttpContext context,
        [FromHeader(Name = "If-Match"), Required] string? ifMatch, CancellationToken ct) =>
        Respond(context, user.GetActor(), await store.UpdateAsync(user.GetActor(), id, ifMatch, request?.ToInput(), ct));

    private static async Task<Results<Ok<RatingResponse>, NotModified>> Get(Guid id, ClaimsPrincipal user, RatingStore store, HttpContext context,
        [FromHeader(Name = "If-None-Match")] string? ifNoneMatch, CancellationToken ct)
    {
        var rating = await store.GetAsync(user.GetActor(), id, ct);
        if (NotModified.When(ifNoneMatch, rating.ETag) is { } unchanged)
        {
            return unchanged;
        }
        return Respond(context, user.GetActor(), rating);
    }

    private static async Task<Ok<RatingResponse>> Hide(Guid id, HideCommentRequest? request, ClaimsPrincipal user, RatingStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, user.GetActor(), await store.HideCommentAsync(user.GetActor(), id, ifMatch, request?.Reason, ct));

    private static async Task<Ok<IntegratorProfile>> Profile(Guid id, RatingStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ProfileAsync(id, ct));

    private static async Task<Ok<PagedList<RatingResponse>>> Ratings(Guid id, [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, RatingStore store, CancellationToken ct)
    {
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        v.ThrowIfAny();
        var result = await store.OfIntegratorAsync(id, p, size, ct);
        return TypedResults.Ok(result.Map(RatingResponse.ForPublic));
    }

    private static Ok<RatingResponse> Respond(HttpContext context, Actor actor, Rating rating)
    {
        context.Response.Headers.ETag = rating.ETag;
        return TypedResults.Ok(RatingResponse.ForParties(rating, actor.IsOperator));
    }
}
