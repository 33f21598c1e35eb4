using System.ComponentModel.DataAnnotations;
using Marketplace.Api.Engagements;
using Marketplace.Core.Common;
using Marketplace.Core.Demands;
using Marketplace.Core.Engagements;
using Marketplace.Core.Matching;

namespace Marketplace.Api.Demands;

/// <summary>A demand list as sent by its enterprise: the whole list. Send an item's <c>id</c> back to keep it.</summary>
/// <param name="Title">Optional title of the list.</param>
/// <param name="Items">The needs, 1–50.</param>
public sealed record DemandListRequest(
    [MaxLength(DemandStore.TitleMax)] string? Title,
    [Required, Length(1, DemandStore.MaxItems)] IReadOnlyList<DemandItemRequest>? Items)
{
    public DemandListInput ToInput() => new(Title,
        Items?.Select(i => i is null ? null : new DemandItemInput(i.Id, i.Text, i.Direction, i.SubDirection, i.BudgetYuan, i.WithinDays)).ToArray());
}

/// <param name="Id">Only when editing: the id of an existing item to keep.</param>
/// <param name="Text">The need in the enterprise's own words (≤ 1,000 characters).</param>
/// <param name="Direction">Optional direction code from the taxonomy.</param>
/// <param name="SubDirection">Optional technology item code; must belong to <paramref name="Direction"/> when both are given.</param>
/// <param name="BudgetYuan">Optional budget in yuan (≥ 0).</param>
/// <param name="WithinDays">Optional time frame in days (1–3650).</param>
public sealed record DemandItemRequest(
    Guid? Id,
    [Required, MaxLength(DemandStore.TextMax)] string? Text,
    [CodeList(CodeList.Directions)] string? Direction,
    [CodeList(CodeList.SubDirections)] string? SubDirection,
    [Range(0d, Limits.MaxYuan)] long? BudgetYuan,
    [Range(1, Limits.MaxDays)] int? WithinDays);

/// <param name="Engagements">The engagements opened from this item's matches (the enterprise and operators see them; others get none).</param>
public sealed record DemandItemResponse(Guid Id, string Text, string? Direction, string? SubDirection, long? BudgetYuan, int? WithinDays,
    IReadOnlyList<EngagementSummaryResponse> Engagements);

/// <param name="MatchPending">Stored while the search engine could not answer: matched automatically as soon as it answers
/// (the run then appears in the matches and the feed); until then the items have no matches, or those of before an edit.</param>
public sealed record DemandListResponse(
    Guid Id,
    Guid EnterpriseId,
    string? Title,
    string Status,
    IReadOnlyList<DemandItemResponse> Items,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ClosedAt,
    bool MatchPending)
{
    public static DemandListResponse From(DemandList list, IReadOnlyList<EngagementSummary> engagements)
    {
        var byItem = engagements.ToLookup(e => e.ItemId);
        return new(list.Id, list.OwnerId, list.Title, list.Status,
            list.Items.Select(i => new DemandItemResponse(i.Id, i.Text, i.Direction, i.SubDirection, i.BudgetYuan, i.WithinDays,
                byItem[i.Id].Select(EngagementSummaryResponse.From).ToArray())).ToArray(),
            list.CreatedAt, list.UpdatedAt, list.ClosedAt, list.IsMatchPending);
    }
}

public sealed record DemandListSummaryResponse(Guid Id, Guid EnterpriseId, string? Title, string Status, int ItemCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static DemandListSummaryResponse From(DemandListSummary s) => new(s.Id, s.OwnerId, s.Title, s.Status, s.ItemCount, s.CreatedAt, s.UpdatedAt);
}

public sealed record InferredDirectionResponse(string Direction, string? SubDirection, double Confidence, IReadOnlyList<string> MatchedTerms);

/// <summary>An offering as ranked: the revision ranked, its title and supplier then, the score (0–1) and the reasons.</summary>
public sealed record MatchResponse(
    Guid OfferingId,
    Guid RevisionId,
    string Title,
    string Supplier,
    double Score,
    IReadOnlyList<MatchReason> Reasons,
    IReadOnlyList<string> MatchedTerms);

/// <summary>A technology item the demand is understood to ask for, with the words of the demand behind it.</summary>
/// <param name="Weight">0–1: how strongly the demand asks for it (1 for a stated sub-direction).</param>
public sealed record UnderstoodItemResponse(string SubDirection, string Name, double Weight, IReadOnlyList<string> Evidence);

/// <param name="Understanding">What the matcher understood, in Chinese, e.g. <c>理解为：生产流程数据采集与可视化（停机、产量）；行业：造纸</c> (null for runs stored before it said so).</param>
/// <param name="UnderstoodItems">The technology items behind <paramref name="Understanding"/>, strongest first.</param>
/// <param name="UnderstandingConfidence">0–1: how clearly the text names a function the taxonomy knows (null when the item is not matched
/// yet). Below 0.5 the reading is a guess and <paramref name="Note"/> says so.</param>
/// <param name="Note">Set when fewer matches than asked for are shown because the other candidates are unrelated to the need,
/// when no shown offering meets the function asked for (the pool has none: those shown only share words or the direction),
/// when the demand names no function (only general wishes such as 数字化转型: then it asks for the concrete problem), when the
/// function was read with little confidence and the owner stated no technology item (it asks for the problem or the item),
/// and while the list waits to be matched (<c>matchPending</c>).</param>
public sealed record ItemMatchesResponse(
    Guid ItemId,
    string Text,
    Guid? RunId,
    DateTimeOffset? ComputedAt,
    string? Understanding,
    IReadOnlyList<UnderstoodItemResponse> UnderstoodItems,
    double? UnderstandingConfidence,
    string? Note,
    IReadOnlyList<InferredDirectionResponse> InferredDirections,
    IReadOnlyList<MatchResponse> Matches);

/// <summary>
/// The latest stored match run of each item; <c>runId</c>/<c>computedAt</c> are the most recent among them. <c>matchPending</c>:
/// the list was stored or edited while the search engine could not answer and is matched as soon as it answers.
/// </summary>
public sealed record DemandMatchesResponse(Guid ListId, Guid? RunId, DateTimeOffset? ComputedAt, bool MatchPending, IReadOnlyList<ItemMatchesResponse> Items)
{
    public const string PendingNote = "搜索服务暂不可用，恢复后自动匹配 (matching pending: the list is matched as soon as the search engine answers again).";

    /// <summary>Every item of the list with its latest stored matches (an item not matched yet has none).</summary>
    public static DemandMatchesResponse From(DemandList list, IReadOnlyDictionary<Guid, ItemSnapshot> snapshots)
    {
        var pending = list.IsMatchPending ? PendingNote : null;
        var items = list.Items.Select(item => snapshots.TryGetValue(item.Id, out var s)
            ? new ItemMatchesResponse(item.Id, item.Text, s.RunId, s.ComputedAt,
                s.Need?.Summary,
                s.Need?.Items.Select(u => new UnderstoodItemResponse(u.Code, u.Name, u.Weight, u.Evidence)).ToArray() ?? [],
                s.Need?.Confidence,
                pending ?? s.Need?.Note,
                s.InferredDirections.Select(i => new InferredDirectionResponse(i.Direction, i.SubDirection, i.Confidence, i.MatchedTerms)).ToArray(),
                s.Matches.Select(m => new MatchResponse(m.OfferingId, m.RevisionId, m.Title, m.SupplierName, m.Score, m.Reasons, m.MatchedTerms)).ToArray())
            : new ItemMatchesResponse(item.Id, item.Text, null, null, null, [], null, pending, [], [])).ToArray();
        var latest = snapshots.Values.OrderByDescending(s => s.Sequence).FirstOrDefault();
        return new DemandMatchesResponse(list.Id, latest?.RunId, latest?.ComputedAt, list.IsMatchPending, items);
    }
}
