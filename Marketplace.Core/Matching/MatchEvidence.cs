using Dapper;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Matching;

/// <summary>An integrator's verified record in one technology item: engagements that passed 验收, their ratings, published cases.</summary>
public sealed record ItemEvidence(long Verified, double? AverageRating, long Rated, long Cases);

/// <summary>
/// Verified evidence as a bounded tie-breaker (applied by <see cref="MatchRuns"/> after <see cref="DemandMatcher"/> ranked):
/// an offering that already agrees with the demand's technology item (its <c>subDirection</c> or <c>need</c> reason is ok) gains at most
/// <see cref="MaxBoost"/> of its own score when its integrator has verified engagements or cases in that item, more with
/// more of them (full at <see cref="FullAt"/>) and with better ratings. Multiplying its own score means an irrelevant
/// offering stays where it is; no evidence (a new integrator) leaves the score exactly as ranked; poor ratings add nothing.
/// </summary>
public sealed class MatchEvidence(Database db, TimeProvider clock)
{
    /// <summary>The most evidence can add: 3 % of the offering's own score.</summary>
    public const double MaxBoost = 0.03;

    /// <summary>Verified engagements (cases count too) at which the evidence counts in full.</summary>
    public const int FullAt = 3;

    public const string ReasonKind = "evidence";

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private sealed class Row
    {
        public Guid IntegratorId { get; init; }
        public string? Item { get; init; }
        public long Verified { get; init; }
        public double? Rating { get; init; }
        public long Rated { get; init; }
    }

    private sealed class CaseRow
    {
        public Guid IntegratorId { get; init; }
        public string SubDirections { get; init; } = "";
    }

    /// <summary>The table and until when it is used; replaced whole (a reference), so readers without the lock see one or the other.</summary>
    private sealed record CachedTable(DateTimeOffset Until, IReadOnlyDictionary<(Guid, string), ItemEvidence> Table);

    private CachedTable? _cache;
    private readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>Re-ranks <paramref name="result"/> with the evidence of each match's integrator in <paramref name="item"/>.</summary>
    public async Task<DemandMatchResult> ApplyAsync(DemandMatchResult result, string? item, CancellationToken ct)
    {
        if (item is null || result.Matches.Count == 0)
        {
            return result;
        }
        var table = await TableAsync(ct);
        if (table.Count == 0)
        {
            return result;
        }
        var changed = false;
        var matches = result.Matches.Select(m =>
        {
            if (!table.TryGetValue((m.SupplierId, item), out var evidence)
                || !m.Reasons.Any(r => r.Kind is MatchReasonKinds.SubDirection or MatchReasonKinds.Need && r.Ok))
            {
                return m;
            }
            var boost = Boost(evidence);
            changed = true;
            var reasons = m.Reasons.Append(new MatchReason(ReasonKind, boost > 0, Detail(evidence))).ToArray();
            return m with { Score = Math.Round(Math.Min(1, m.Score * (1 + boost)), 4), Reasons = reasons };
        }).ToArray();
        return changed
            ? result with { Matches = matches.OrderByDescending(m => m.Score).ThenBy(m => m.OfferingId).ToArray() }
            : result;
    }

    /// <summary>0 … <see cref="MaxBoost"/>: amount (verified engagements and cases, full at <see cref="FullAt"/>) times quality (ratings 3 → 0, 5 → 1; unrated counts half).</summary>
    public static double Boost(ItemEvidence e)
    {
        var amount = Math.Min(1.0, (e.Verified + e.Cases) / (double)FullAt);
        var quality = e.AverageRating is { } rating ? Math.Clamp((rating - 3) / 2, 0, 1) : 0.5;
        return MaxBoost * amount * quality;
    }

    public static string Detail(ItemEvidence e)
    {
        var text = $"同类项目已验收{e.Verified}个";
        if (e.AverageRating is { } rating)
        {
            text += $"，平均评分{rating:0.0}";
        }
        if (e.Cases > 0)
        {
            text += $"，入选案例{e.Cases}个";
        }
        return text;
    }

    private async Task<IReadOnlyDictionary<(Guid, string), ItemEvidence>> TableAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _cache) is { } cached && cached.Until > clock.GetUtcNow())
        {
            return cached.Table;
        }
        await _loading.WaitAsync(ct);
        try
        {
            if (Volatile.Read(ref _cache) is { } again && again.Until > clock.GetUtcNow())
            {
                return again.Table;
            }
            await using var c = await db.OpenAsync(ct);
            var rows = await c.QueryAsync<Row>(db.Command(EvidenceSql.Verified, ct: ct));
            var cases = (await c.QueryAsync<CaseRow>(db.Command(EvidenceSql.PublishedCases, ct: ct)))
                .SelectMany(r => r.SubDirections.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(item => (r.IntegratorId, Item: item)))
                .GroupBy(x => x).ToDictionary(g => g.Key, g => (long)g.Count());
            var table = new Dictionary<(Guid, string), ItemEvidence>();
            foreach (var row in rows.Where(r => r.Item is not null))
            {
                table[(row.IntegratorId, row.Item!)] = new ItemEvidence(row.Verified, row.Rating is null ? null : Math.Round(row.Rating.Value, 1), row.Rated,
                    cases.GetValueOrDefault((row.IntegratorId, row.Item!)));
            }
            Volatile.Write(ref _cache, new CachedTable(clock.GetUtcNow() + CacheFor, table));
            return table;
        }
        finally
        {
            _loading.Release();
        }
    }
}

internal static class EvidenceSql
{
    /// <summary>Verified engagements per integrator and the technology item of the need they met, with their ratings' mean (over the three scores).</summary>
    public const string Verified = """
        SELECT e.integrator_id AS IntegratorId, i.effective_sub_direction AS Item, COUNT(*) AS Verified,
               AVG(CAST(r.quality + r.timeliness + r.value_for_money AS FLOAT) / 3) AS Rating, COUNT(r.engagement_id) AS Rated
        FROM engagements e
        JOIN demand_items i ON i.id = e.item_id
        LEFT JOIN engagement_ratings r ON r.engagement_id = e.id
        WHERE e.verified_at IS NOT NULL
        GROUP BY e.integrator_id, i.effective_sub_direction
        """;

    public const string PublishedCases = "SELECT integrator_id AS IntegratorId, sub_directions AS SubDirections FROM cases WHERE status = 'published'";
}
