using System.Data.Common;
using System.Text.Json;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Offerings;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Matching;

public sealed record CountByKey(string Key, long Count);

public sealed record SupplyCounts(long Total, IReadOnlyList<CountByKey> ByDirection, IReadOnlyList<CountByKey> BySubDirection, IReadOnlyList<CountByKey> ByDistrict);

public sealed record GapItem(Guid ListId, Guid ItemId, double? BestScore);

public sealed record SupplyGap(string Direction, long Count, IReadOnlyList<GapItem> Items);

public sealed record SupplyDemandReport(
    double Threshold,
    SupplyCounts Offerings,
    SupplyCounts DemandItems,
    long GapTotal,
    IReadOnlyList<SupplyGap> Gaps);

/// <summary>
/// Supply and demand side by side. Offerings: live ones, by direction (sub-directions expanded to their
/// direction), sub-direction and district served (全市 as its own value). Demand: items of open lists, by their
/// stated or top inferred direction and sub-direction, and the enterprise's district. A supply gap is an item
/// whose best stored match scores below the threshold (or that has no match).
/// </summary>
public sealed class SupplyDemandStats(Database db, TaxonomyCatalog taxonomy)
{
    public const double DefaultThreshold = 0.5;
    public const string Unclassified = "unclassified";
    public const int GapItemsShown = 50;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The supply side as last counted, with the catalog version it was counted at.</summary>
    private sealed record SupplySnapshot(SupplyCounts Counts, CatalogVersion CatalogVersion);

    private readonly SemaphoreSlim _supplyGate = new(1, 1);
    private SupplySnapshot? _supply;

    /// <summary>The fields of an offering's content the supply side counts (the rest, descriptions above all, is skipped).</summary>
    private sealed record SupplyFields(IReadOnlyList<string>? Directions, IReadOnlyList<string>? SubDirections, IReadOnlyList<string>? Districts);

    private sealed class DemandRow
    {
        public Guid ItemId { get; init; }
        public Guid ListId { get; init; }
        public string? Direction { get; init; }
        public string? SubDirection { get; init; }
        public double? BestScore { get; init; }
        public string District { get; init; } = "";
    }

    public async Task<SupplyDemandReport> ReportAsync(double? threshold, CancellationToken ct)
    {
        var limit = threshold ?? DefaultThreshold;
        if (double.IsNaN(limit) || limit < 0 || limit > 1)
        {
            new Validator().Add("threshold", "应在 0 到 1 之间 (must be between 0 and 1).").ThrowIfAny();
        }
        await using var c = await db.OpenAsync(ct);
        var offerings = await SupplyAsync(c, ct);
        var demand = (await c.QueryAsync<DemandRow>(db.Command(MatchSql.OpenDemandItems, ct: ct))).ToArray();
        var items = new SupplyCounts(demand.Length,
            Count(demand.Select(d => d.Direction ?? Unclassified)),
            Count(demand.Where(d => d.SubDirection is not null).Select(d => d.SubDirection!)),
            Count(demand.Select(d => d.District)));
        var gaps = demand.Where(d => d.BestScore is null || d.BestScore < limit)
            .GroupBy(d => d.Direction ?? Unclassified)
            .Select(g => new SupplyGap(g.Key, g.Count(), g.Take(GapItemsShown).Select(d => new GapItem(d.ListId, d.ItemId, d.BestScore)).ToArray()))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Direction, StringComparer.Ordinal)
            .ToArray();
        return new SupplyDemandReport(limit, offerings, items, gaps.Sum(g => g.Count), gaps);
    }

    /// <summary>
    /// The supply side. Counting it reads every live offering (about 2 s and hundreds of megabytes at 100,000 offerings):
    /// each caller doing it again, several at once, took both cores and gigabytes. It is counted again only when the live
    /// catalog changed (<see cref="OfferingSql.CatalogVersion"/>: every publication, revision and retirement raises an
    /// offering's index version, read from committed rows; the outbox's highest sequence number was used before, but SQL
    /// Server hands out identities at insert, not commit, so a later one could commit first and stand for a catalog without
    /// the earlier) — and by one caller while the others wait for its count.
    /// </summary>
    private async Task<SupplyCounts> SupplyAsync(DbConnection c, CancellationToken ct)
    {
        var version = await c.QuerySingleAsync<CatalogVersion>(db.Command(OfferingSql.CatalogVersion, ct: ct));
        if (Volatile.Read(ref _supply) is { } fresh && fresh.CatalogVersion == version)
        {
            return fresh.Counts;
        }
        await _supplyGate.WaitAsync(ct);
        try
        {
            if (Volatile.Read(ref _supply) is { } counted && counted.CatalogVersion == version)
            {
                return counted.Counts;
            }
            var fields = (await c.QueryAsync<string>(db.Command(MatchSql.LiveOfferingContents, ct: ct)))
                .Select(content => JsonSerializer.Deserialize<SupplyFields>(content, Json)!)
                .ToArray();
            var counts = new SupplyCounts(fields.Length,
                Count(fields.SelectMany(o => (o.Directions ?? [])
                    .Concat((o.SubDirections ?? []).Select(s => taxonomy.FindSubDirection(s)?.DirectionCode).OfType<string>())
                    .Distinct())),
                Count(fields.SelectMany(o => (o.SubDirections ?? []).Distinct())),
                Count(fields.SelectMany(o => (o.Districts ?? []).Distinct())));
            Volatile.Write(ref _supply, new SupplySnapshot(counts, version));
            return counts;
        }
        finally
        {
            _supplyGate.Release();
        }
    }

    private static CountByKey[] Count(IEnumerable<string> keys) =>
        keys.GroupBy(k => k, StringComparer.Ordinal)
            .Select(g => new CountByKey(g.Key, g.LongCount()))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal)
            .ToArray();
}
