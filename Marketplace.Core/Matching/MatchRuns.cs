using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;
using Marketplace.Core.Webhooks;

namespace Marketplace.Core.Matching;

/// <summary>A demand item as the matcher sees it.</summary>
public sealed record ItemToMatch(Guid ItemId, string Text, string? Direction, string? SubDirection, long? BudgetYuan, int? WithinDays);

/// <summary>The ranked matches of one item in one run.</summary>
public sealed record ItemMatchOutcome(ItemToMatch Item, DemandMatchResult Result)
{
    /// <summary>The stated direction (or the stated technology item's), else that of the item the need is understood to ask for most, else the top inferred one.</summary>
    public string? EffectiveDirection => Item.Direction
        ?? DirectionOf(Item.SubDirection)
        ?? DirectionOf(Result.Need.Items.FirstOrDefault()?.Code)
        ?? Result.InferredDirections.FirstOrDefault()?.DirectionCode;

    /// <summary>
    /// The stated technology item, else the one of the effective direction the need is understood to ask for most, else the
    /// inferred direction's: always an item of <see cref="EffectiveDirection"/>, so statistics by direction and by item agree.
    /// </summary>
    public string? EffectiveSubDirection => Item.SubDirection
        ?? Result.Need.Items.FirstOrDefault(i => DirectionOf(i.Code) == EffectiveDirection)?.Code
        ?? Result.InferredDirections.FirstOrDefault(i => i.DirectionCode == EffectiveDirection)?.SubDirectionCode;

    private static string? DirectionOf(string? itemCode) => itemCode is null ? null : SubDirection.DirectionOf(itemCode);

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

    /// <summary>
    /// As read with a top K: the run is stored with <see cref="MatchRuns.StoredTopK"/> places, so its floor note (仅N个方案…)
    /// belongs only to a reading the floor shortened, one that shows fewer than K; a vague demand's note always stands.
    /// A weak reading (<see cref="NeedUnderstanding.WeakConfidence"/>) of an item whose technology item the owner did not
    /// state adds <see cref="NeedUnderstanding.WeakNote"/>; read here from the stored confidence, it also holds for runs
    /// stored before the answer said so.
    /// </summary>
    public StoredNeed ShownWith(int shown, int topK)
    {
        var note = shown >= topK && Note is not (NeedUnderstanding.VagueNote or NeedUnderstanding.VagueNoteWithoutMatches) ? null : Note;
        // A stated technology item weighs 1 (a read one weighs less unless read with certainty).
        var weak = Items.Count > 0 && Confidence < NeedUnderstanding.WeakConfidence && !Items.Any(i => i.Weight >= 1);
        return this with { Note = !weak ? note : note is null ? NeedUnderstanding.WeakNote : $"{note}；{NeedUnderstanding.WeakNote}" };
    }
}

public static class MatchEventReasons
{
    public const string ListCreated = "list-created";
    public const string ListUpdated = "list-updated";
    public const string OfferingPublished = "offering-published";
    public const string DiagnosisSubmitted = "diagnosis-submitted";
    public const string OfferingRetired = "offering-retired";
}

/// <summary>
/// Runs the matcher for demand items and stores match runs: per item the ranked offerings with the revision
/// ranked, as a match event with a feed sequence number. Writers must hold <see cref="LockAsync"/> from the
/// start of their transaction so sequence numbers commit in order.
/// </summary>
public sealed class MatchRuns(Database db, DemandMatcher matcher, WebhookOutbox? webhooks = null, MatchEvidence? evidence = null)
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
        var ranked = new ItemMatchOutcome(item, await matcher.MatchAsync(query, StoredTopK, ct));
        // Verified evidence in the item's technology item breaks near-ties (bounded; none = neutral).
        return evidence is null ? ranked : ranked with { Result = await evidence.ApplyAsync(ranked.Result, ranked.EffectiveSubDirection, ct) };
    }

    /// <summary>Takes the match-event writers' lock; call first in the transaction.</summary>
    public Task LockAsync(DbConnection c, DbTransaction t, CancellationToken ct) =>
        c.ExecuteAsync(db.Command(db.Dialect.LockMatchEvents, transaction: t, ct: ct));

    /// <summary>
    /// Stores one run of a list: one match event per outcome, without the offerings withdrawn since they were ranked. The
    /// caller holds <see cref="LockAsync"/>.
    /// </summary>
    public async Task<Guid> WriteRunAsync(DbConnection c, DbTransaction t, Guid listId, string enterpriseDistrict, string reason,
        IReadOnlyList<ItemMatchOutcome> outcomes, DateTimeOffset now, CancellationToken ct)
    {
        outcomes = await WithoutWithdrawnAsync(c, t, outcomes, ct);
        var runId = Guid.NewGuid();
        await c.ExecuteAsync(db.Command(MatchSql.InsertRun, new { Id = runId, ListId = listId, Reason = reason, Now = now }, t, ct));
        var leadsWanted = webhooks is not null && await webhooks.AnySubscriberAsync(c, t, WebhookEventTypes.LeadCreated, ct);
        var written = new List<(ItemMatchOutcome Outcome, Guid EventId, HashSet<Guid> Previous)>();
        foreach (var outcome in outcomes)
        {
            var eventId = Guid.NewGuid();
            var previous = leadsWanted
                ? (await c.QueryAsync<Guid>(db.Command(MatchSql.OfferingsOfItemsLatestEvent, new { outcome.Item.ItemId }, t, ct))).ToHashSet()
                : [];
            written.Add((outcome, eventId, previous));
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
        if (webhooks is not null)
        {
            await NotifyAsync(c, t, webhooks, listId, runId, reason, written, leadsWanted, now, ct);
        }
        return runId;
    }

    /// <summary>
    /// Runs are ranked outside the transaction, on a node's own index: one ranked before an offering was retired may be
    /// written after the retirement's re-match chose the items showing it, and must not bring the offering back.
    /// </summary>
    private async Task<IReadOnlyList<ItemMatchOutcome>> WithoutWithdrawnAsync(DbConnection c, DbTransaction t, IReadOnlyList<ItemMatchOutcome> outcomes, CancellationToken ct)
    {
        var ranked = outcomes.SelectMany(o => o.Result.Matches.Take(StoredTopK)).Select(m => m.OfferingId).Distinct().ToArray();
        var withdrawn = new HashSet<Guid>();
        foreach (var chunk in ranked.Chunk(Database.KeysPerStatement))
        {
            withdrawn.UnionWith(await c.QueryAsync<Guid>(db.Command(MatchSql.WithdrawnOfferings, new { Ids = DapperTypeHandlers.ListParameter(chunk) }, t, ct)));
        }
        return withdrawn.Count == 0
            ? outcomes
            : outcomes.Select(o => o with { Result = o.Result with { Matches = o.Result.Matches.Where(m => !withdrawn.Contains(m.OfferingId)).ToArray() } }).ToArray();
    }

    private sealed class ListOwnerRow
    {
        public Guid OwnerId { get; init; }
        public string Name { get; init; } = "";
        public string District { get; init; } = "";
        public string? Industry { get; init; }
        public bool DiscloseName { get; init; }
    }

    /// <summary>
    /// Webhook events of a stored run, in its transaction: match.changed to the list's enterprise, lead.created to each
    /// integrator whose offerings newly entered an item's stored matches, match.event per item to capability centers and operators.
    /// </summary>
    private async Task NotifyAsync(DbConnection c, DbTransaction t, WebhookOutbox outbox, Guid listId, Guid runId, string reason,
        IReadOnlyList<(ItemMatchOutcome Outcome, Guid EventId, HashSet<Guid> Previous)> written, bool leadsWanted, DateTimeOffset now, CancellationToken ct)
    {
        static WebhookMatch Match(OfferingMatch m) => new(m.OfferingId, m.RevisionId, m.Title, m.Score);
        var owner = await c.QuerySingleAsync<ListOwnerRow>(db.Command(MatchSql.ListOwner, new { ListId = listId }, t, ct));
        var changed = new MatchChangedData(listId, runId, reason, written.Select(w => new MatchChangedItem(w.Outcome.Item.ItemId, w.EventId, w.Outcome.BestScore,
            w.Outcome.Result.Matches.Take(WebhookTopMatches).Select(Match).ToArray())).ToArray());
        await outbox.RecordAsync(c, t, WebhookAudience.Of(owner.OwnerId), WebhookEventTypes.MatchChanged,
            (id, organization) => new MatchChangedEvent(id, WebhookEventTypes.MatchChanged, now, organization, changed), now, ct);
        var feedWanted = await outbox.AnySubscriberAsync(c, t, WebhookEventTypes.MatchEvent, ct);
        foreach (var (outcome, eventId, previous) in written)
        {
            if (leadsWanted)
            {
                var item = outcome.Item;
                var fresh = outcome.Result.Matches.Take(StoredTopK).Select((m, n) => (Match: m, Rank: n + 1)).Where(x => !previous.Contains(x.Match.OfferingId));
                foreach (var supplier in fresh.GroupBy(x => x.Match.SupplierId))
                {
                    var lead = new LeadCreatedData(listId, item.ItemId, item.Text, item.BudgetYuan, item.WithinDays, outcome.EffectiveDirection,
                        owner.DiscloseName ? owner.Name : null, owner.District, owner.Industry,
                        supplier.Select(x => new LeadOffering(x.Match.OfferingId, x.Match.RevisionId, x.Match.Title, x.Rank, x.Match.Score)).ToArray());
                    await outbox.RecordAsync(c, t, WebhookAudience.Of(supplier.Key), WebhookEventTypes.LeadCreated,
                        (id, organization) => new LeadCreatedEvent(id, WebhookEventTypes.LeadCreated, now, organization, lead), now, ct);
                }
            }
            if (!feedWanted)
            {
                continue;
            }
            var sequence = await c.ExecuteScalarAsync<long>(db.Command(MatchSql.SequenceOfEvent, new { Id = eventId }, t, ct));
            var feed = new MatchEventData(sequence, eventId, listId, outcome.Item.ItemId, runId, owner.District, outcome.EffectiveDirection, reason,
                outcome.Result.Matches.Take(MatchQueries.FeedMatches).Select(Match).ToArray());
            await outbox.RecordAsync(c, t, new WebhookAudience([], [OrganizationKind.CapabilityCenter, OrganizationKind.Operator]), WebhookEventTypes.MatchEvent,
                (id, organization) => new MatchEventEvent(id, WebhookEventTypes.MatchEvent, now, organization, feed), now, ct);
        }
    }

    /// <summary>Offerings per item in a match.changed event.</summary>
    public const int WebhookTopMatches = 5;
}
