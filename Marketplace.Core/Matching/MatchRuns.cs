using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Matching;

/// <summary>A demand item as the matcher sees it.</summary>
public sealed record ItemToMatch(Guid ItemId, string Text, string? Direction, string? SubDirection, long? BudgetYuan, int? WithinDays);

/// <summary>The ranked matches of one item in one run.</summary>
public sealed record ItemMatchOutcome(ItemToMatch Item, DemandMatchResult Result)
{
    /// <summary>The stated direction, or the top inferred one.</summary>
    public string? EffectiveDirection => Item.Direction ?? Result.InferredDirections.FirstOrDefault()?.DirectionCode;

    public string? EffectiveSubDirection => Item.SubDirection
        ?? Result.InferredDirections.FirstOrDefault(i => EffectiveDirection is null || i.DirectionCode == EffectiveDirection)?.SubDirectionCode;

    public double? BestScore => Result.Matches.Count == 0 ? null : Result.Matches.Max(m => m.Score);
}

/// <summary>The inferred direction as stored with a match event.</summary>
public sealed record StoredInference(string Direction, string? SubDirection, double Confidence, IReadOnlyList<string> MatchedTerms);

/// <summary>
/// The understood need as stored with a match event: the sentence shown (<c>理解为：…；行业：…</c>), the items with the
/// demand's words behind them, and the note when the relevance floor shortened the list.
/// </summary>
public sealed record StoredNeed(string Summary, IReadOnlyList<UnderstoodItem> Items, string? Industry, double Confidence, string? Note)
{
    public static StoredNeed From(DemandMatchResult result) =>
        new(result.Need.Summary, result.Need.Items, result.Need.Industry, result.Need.Confidence, result.Note);
}

public static class MatchEventReasons
{
    public const string ListCreated = "list-created";
    public const string ListUpdated = "list-updated";
    public const string OfferingPublished = "offering-published";
}

/// <summary>
/// Runs the matcher for demand items and stores match runs: per item the ranked offerings with the revision
/// ranked, as a match event with a feed sequence number. Writers must hold <see cref="LockAsync"/> from the
/// start of their transaction so sequence numbers commit in order.
/// </summary>
public sealed class MatchRuns(Database db, DemandMatcher matcher)
{
    /// <summary>How many ranked offerings are stored per item and run.</summary>
    public const int StoredTopK = 50;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<IReadOnlyList<ItemMatchOutcome>> ComputeAsync(IReadOnlyList<ItemToMatch> items, EnterpriseProfile enterprise, CancellationToken ct)
    {
        if (items.Count <= 1)
        {
            return items.Count == 0 ? [] : [await ComputeAsync(items[0], enterprise, ct)];
        }
        // Each item is one CPU-bound search: run a few at once (bounded, so one long list does not take every core),
        // results in the items' order.
        var outcomes = new ItemMatchOutcome[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelItems, CancellationToken = ct },
            async (i, token) => outcomes[i] = await ComputeAsync(items[i], enterprise, token));
        return outcomes;
    }

    /// <summary>How many items of one list are matched at once.</summary>
    internal static int MaxParallelItems => Math.Clamp(Environment.ProcessorCount, 2, 4);

    public async Task<ItemMatchOutcome> ComputeAsync(ItemToMatch item, EnterpriseProfile enterprise, CancellationToken ct)
    {
        var query = new DemandQuery(item.Text, item.Direction, item.SubDirection, item.BudgetYuan, item.WithinDays, enterprise);
        return new ItemMatchOutcome(item, await matcher.MatchAsync(query, StoredTopK, ct));
    }

    /// <summary>Takes the match-event writers' lock; call first in the transaction.</summary>
    public Task LockAsync(DbConnection c, DbTransaction t, CancellationToken ct) =>
        c.ExecuteAsync(db.Command(db.Dialect.LockMatchEvents, transaction: t, ct: ct));

    /// <summary>Stores one run of a list: one match event per outcome. The caller holds <see cref="LockAsync"/>.</summary>
    public async Task<Guid> WriteRunAsync(DbConnection c, DbTransaction t, Guid listId, string enterpriseDistrict, string reason,
        IReadOnlyList<ItemMatchOutcome> outcomes, DateTimeOffset now, CancellationToken ct)
    {
        var runId = Guid.NewGuid();
        await c.ExecuteAsync(db.Command(MatchSql.InsertRun, new { Id = runId, ListId = listId, Reason = reason, Now = now }, t, ct));
        foreach (var outcome in outcomes)
        {
            var eventId = Guid.NewGuid();
            var inferred = outcome.Result.InferredDirections
                .Select(i => new StoredInference(i.DirectionCode, i.SubDirectionCode, Math.Round(i.Confidence, 4), i.MatchedTerms))
                .ToArray();
            await c.ExecuteAsync(db.Command(MatchSql.InsertEvent, new
            {
                Id = eventId,
                RunId = runId,
                ListId = listId,
                outcome.Item.ItemId,
                District = enterpriseDistrict,
                Direction = outcome.EffectiveDirection,
                Reason = reason,
                Now = now,
                Inferred = JsonSerializer.Serialize(inferred, Json),
                outcome.BestScore,
                Need = JsonSerializer.Serialize(StoredNeed.From(outcome.Result), Json),
            }, t, ct));
            var rows = outcome.Result.Matches.Take(StoredTopK).Select((m, n) => new
            {
                EventId = eventId,
                Ordinal = n + 1,
                m.OfferingId,
                m.RevisionId,
                m.Title,
                m.SupplierId,
                m.SupplierName,
                m.Score,
                Reasons = JsonSerializer.Serialize(m.Reasons, Json),
                MatchedTerms = JsonSerializer.Serialize(m.MatchedTerms, Json),
            }).ToArray();
            if (rows.Length > 0)
            {
                await c.ExecuteAsync(db.Command(MatchSql.InsertResult, rows, t, ct));
            }
            await c.ExecuteAsync(db.Command(MatchSql.PointItemAtEvent, new
            {
                EventId = eventId,
                outcome.Item.ItemId,
                outcome.BestScore,
                outcome.EffectiveDirection,
                outcome.EffectiveSubDirection,
            }, t, ct));
        }
        return runId;
    }
}
