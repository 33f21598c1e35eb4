using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Marketplace.Api.Http;
using Marketplace.Core.Common;
using Marketplace.Core.Matching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Api.Matches;

public sealed record FeedMatchResponse(Guid OfferingId, Guid RevisionId, string Title, double Score);

/// <param name="Sequence">Feed position; strictly increasing, committed in order.</param>
/// <param name="Direction">The item's stated direction, or its top inferred one at the time of the run.</param>
/// <param name="Reason">list-created, list-updated, diagnosis-submitted, offering-published (a new offering entered the item's matches) or offering-retired (one of its matches was withdrawn).</param>
/// <param name="Matches">The top 10 offerings of the run, as ranked.</param>
public sealed record FeedEventResponse(
    long Sequence,
    Guid EventId,
    Guid ListId,
    Guid ItemId,
    Guid RunId,
    string EnterpriseDistrict,
    string? Direction,
    DateTimeOffset OccurredAt,
    string Reason,
    IReadOnlyList<FeedMatchResponse> Matches);

/// <param name="NextCursor">Pass as <c>after</c> for the next page; equals the cursor sent when there is nothing new yet.</param>
public sealed record MatchFeedResponse(IReadOnlyList<FeedEventResponse> Items, string NextCursor);

public static class MatchFeedApi
{
    public static IEndpointRouteBuilder MapMatchFeed(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/matches").WithTags("Matches")
            .RequireAuthorization(Policies.Insight);

        group.MapGet("/feed", Feed)
            .WithName("GetMatchFeed")
            .WithSummary("匹配事件流 (the match event feed)")
            .WithDescription("Capability center or operator. Every stored match result (a demand item in a match run) in sequence order, with the top 10 offerings as ranked. Cursor-based: pass the previous page's `nextCursor` as `after` (omit it to start from the beginning); no gaps or duplicates under concurrent writes. An `after` beyond the feed's last event is a 400 (the feed never issued it; holding it would skip the events to come). `limit` defaults to 100, at most 500. Filters: `district` (the enterprise's district) and `direction` (the item's stated or top inferred direction; `unclassified` for items with neither, as the supply-and-demand statistics group them). Each event's `reason`: `list-created`, `list-updated`, `diagnosis-submitted`, `offering-published` (a newly published offering entered the item's matches) or `offering-retired` (one of its matches was retired; the item's matches without it).")
            .WithAuthProblems().WithProblems(400);
        return app;
    }

    private static async Task<Ok<MatchFeedResponse>> Feed(
        [Description("The previous page's nextCursor; omit it to start from the beginning. A cursor beyond the feed's last event is a 400.")] string? after,
        [Range(1, MatchQueries.FeedMaxLimit)] int? limit,
        [CodeList(CodeList.Districts)] string? district,
        [CodeList(CodeList.DemandDirections)] string? direction,
        MatchQueries queries, TaxonomyCatalog taxonomy, CancellationToken ct)
    {
        var v = new Validator();
        if (district is not null && !taxonomy.IsDistrict(district))
        {
            v.Add("district", TaxonomyChecks.UnknownDistrict(district));
        }
        if (direction is not null && direction != SupplyDemandStats.Unclassified && !taxonomy.IsDirection(direction))
        {
            v.Add("direction", TaxonomyChecks.UnknownDirection(direction, orAlso: $"{SupplyDemandStats.Unclassified} for items without one"));
        }
        v.ThrowIfAny();
        var page = await queries.FeedAsync(after, limit, district, direction, ct);
        return TypedResults.Ok(new MatchFeedResponse(
            page.Items.Select(e => new FeedEventResponse(e.Sequence, e.EventId, e.ListId, e.ItemId, e.RunId, e.EnterpriseDistrict, e.Direction, e.OccurredAt, e.Reason,
                e.Matches.Select(m => new FeedMatchResponse(m.OfferingId, m.RevisionId, m.Title, m.Score)).ToArray())).ToArray(),
            page.NextCursor));
    }
}
