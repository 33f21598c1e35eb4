using System.Globalization;
using System.Text.Json;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Matching;

/// <summary>The latest stored matches of one demand item.</summary>
/// <param name="Need">What the matcher understood (null for runs stored before it said so).</param>
public sealed record ItemSnapshot(Guid ItemId, Guid EventId, long Sequence, Guid RunId, DateTimeOffset ComputedAt,
    IReadOnlyList<StoredInference> InferredDirections, IReadOnlyList<OfferingMatch> Matches, StoredNeed? Need);

public sealed record FeedEvent(
    long Sequence,
    Guid EventId,
    Guid ListId,
    Guid ItemId,
    Guid RunId,
    string EnterpriseDistrict,
    string? Direction,
    DateTimeOffset OccurredAt,
    string Reason,
    IReadOnlyList<OfferingMatch> Matches);

public sealed record FeedPage(IReadOnlyList<FeedEvent> Items, string NextCursor);

/// <summary>Reads stored match runs: a list's latest snapshot and the capability center's feed.</summary>
public sealed class MatchQueries(Database db)
{
    public const int FeedDefaultLimit = 100;
    public const int FeedMaxLimit = 500;
    public const int FeedMatches = 10;
    public const int DefaultTopK = 10;

    private sealed class EventRow
    {
        public Guid EventId { get; init; }
        public long Sequence { get; init; }
        public Guid RunId { get; init; }
        public Guid ItemId { get; init; }
        public DateTimeOffset OccurredAt { get; init; }
        public string Inferred { get; init; } = "[]";
        public string? Need { get; init; }
    }

    private sealed class ResultRow
    {
        public Guid EventId { get; init; }
        public int Ordinal { get; init; }
        public Guid OfferingId { get; init; }
        public Guid RevisionId { get; init; }
        public string Title { get; init; } = "";
        public Guid SupplierId { get; init; }
        public string SupplierName { get; init; } = "";
        public double Score { get; init; }

        public string? Reasons { get; init; }
        public string? MatchedTerms { get; init; }

        /// <summary>Reasons and matched terms are empty when the query did not read them (the feed).</summary>
        public OfferingMatch ToMatch() => new(OfferingId, RevisionId, Title, SupplierId, SupplierName, Score,
            Reasons is null ? [] : JsonSerializer.Deserialize<MatchReason[]>(Reasons, MatchRuns.Json) ?? [],
            MatchedTerms is null ? [] : JsonSerializer.Deserialize<string[]>(MatchedTerms, MatchRuns.Json) ?? []);
    }

    private sealed class FeedRow
    {
        public long Sequence { get; init; }
        public Guid EventId { get; init; }
        public Guid ListId { get; init; }
        public Guid ItemId { get; init; }
        public Guid RunId { get; init; }
        public string EnterpriseDistrict { get; init; } = "";
        public string? Direction { get; init; }
        public DateTimeOffset OccurredAt { get; init; }
        public string Reason { get; init; } = "";
    }

    /// <summary>The latest stored matches of each active item of a list (top <paramref name="topK"/> of each).</summary>
    public async Task<IReadOnlyDictionary<Guid, ItemSnapshot>> LatestAsync(Guid listId, int topK, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var events = (await c.QueryAsync<EventRow>(db.Command(MatchSql.LatestEventsOfList, new { ListId = listId }, ct: ct))).ToArray();
        var results = await ResultsAsync(c, events.Select(e => e.EventId).ToArray(), topK, ct);
        return events.ToDictionary(e => e.ItemId, e =>
        {
            var matches = results.TryGetValue(e.EventId, out var stored) ? stored : [];
            return new ItemSnapshot(e.ItemId, e.EventId, e.Sequence, e.RunId, e.OccurredAt,
                JsonSerializer.Deserialize<StoredInference[]>(e.Inferred, MatchRuns.Json) ?? [],
                matches,
                e.Need is null ? null : JsonSerializer.Deserialize<StoredNeed>(e.Need, MatchRuns.Json)?.ShownWith(matches.Count, topK));
        });
    }

    /// <summary>
    /// Match events after <paramref name="cursor"/> in sequence order. Writers commit sequence numbers in order
    /// (see <see cref="MatchRuns.LockAsync"/>), so a reader never skips an event that commits later. A cursor beyond the
    /// feed's head is refused: the feed never issued it, and a consumer holding it would skip the events still to come.
    /// </summary>
    public async Task<FeedPage> FeedAsync(string? cursor, int? limit, string? district, string? direction, CancellationToken ct)
    {
        var v = new Validator();
        var after = 0L;
        if (!string.IsNullOrEmpty(cursor) && !TryParseCursor(cursor, out after))
        {
            v.Add("after", "无效的游标 (invalid cursor; pass a nextCursor from a previous page).");
        }
        var take = limit ?? FeedDefaultLimit;
        v.Range("limit", take, 1, FeedMaxLimit);
        v.ThrowIfAny();
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<FeedRow>(db.Command(db.Dialect.Page(MatchSql.Feed),
            new { After = after, District = district, Direction = direction, Unclassified = SupplyDemandStats.Unclassified, Skip = 0, Take = take }, ct: ct))).ToArray();
        // Only an empty page can be past the head (an event after the cursor exists otherwise): one more cheap read then,
        // of the primary key's maximum; on every node the same committed head, which only grows.
        if (rows.Length == 0 && after > 0)
        {
            var head = await c.ExecuteScalarAsync<long>(db.Command(MatchSql.FeedHead, ct: ct));
            if (after > head)
            {
                new Validator().Add("after",
                    $"游标超出事件流末尾 {FormatCursor(head)} (the cursor is beyond the feed's last event, {FormatCursor(head)}; pass a nextCursor the feed returned).")
                    .ThrowIfAny();
            }
        }
        var results = await ResultsAsync(c, rows.Select(r => r.EventId).ToArray(), FeedMatches, ct, light: true);
        var items = rows.Select(r => new FeedEvent(r.Sequence, r.EventId, r.ListId, r.ItemId, r.RunId, r.EnterpriseDistrict, r.Direction, r.OccurredAt, r.Reason,
            results.TryGetValue(r.EventId, out var matches) ? matches : [])).ToArray();
        return new FeedPage(items, FormatCursor(items.Length > 0 ? items[^1].Sequence : after));
    }

    public static string FormatCursor(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    public static bool TryParseCursor(string cursor, out long sequence) =>
        long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out sequence) && sequence >= 0;

    private async Task<Dictionary<Guid, IReadOnlyList<OfferingMatch>>> ResultsAsync(System.Data.Common.DbConnection c, Guid[] eventIds, int topK, CancellationToken ct,
        bool light = false)
    {
        var sql = light ? MatchSql.FeedResultsOfEvents : MatchSql.ResultsOfEvents;
        var map = new Dictionary<Guid, IReadOnlyList<OfferingMatch>>();
        foreach (var chunk in eventIds.Chunk(200))
        {
            var rows = await c.QueryAsync<ResultRow>(db.Command(sql, new { EventIds = DapperTypeHandlers.ListParameter(chunk), TopK = topK }, ct: ct));
            foreach (var group in rows.GroupBy(r => r.EventId))
            {
                map[group.Key] = group.OrderBy(r => r.Ordinal).Select(r => r.ToMatch()).ToArray();
            }
        }
        return map;
    }
}
