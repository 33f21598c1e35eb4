using Dapper;
using Marketplace.Core.Demands;
using Marketplace.Core.Searching;
using Marketplace.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Marketplace.Core.Matching;

/// <summary>
/// Re-matches open demand items when offerings are (re)published or retired. Published: items whose stated or top
/// inferred direction is one of the new documents' directions (and items without any direction) are matched again, and a
/// new run with an "offering-published" event is stored for the items a new offering enters the stored top K of.
/// Offerings already in an item's stored results don't make a new event, so stored snapshots stay as ranked (and
/// re-matching an offering twice, after a crash, adds nothing). Retired: the items whose current matches show the
/// offering are matched again without it ("offering-retired"), so lists, leads and supply gaps stop counting on an
/// offering nobody can engage; the earlier run stays readable in the feed. The indexer only queues the work
/// (<see cref="OnIndexedAsync"/>, <see cref="RematchQueue"/>); a worker on any node does it (<see cref="RematchAsync"/>).
/// </summary>
public sealed class DemandRematcher(Database db, MatchRuns runs, RematchQueue queue, RematchSignal signal, TimeProvider clock, ILogger<DemandRematcher> logger) : IOfferingIndexObserver
{
    private sealed class CandidateRow
    {
        public Guid ItemId { get; init; }
        public Guid ListId { get; init; }
        public int ListRowVersion { get; init; }
        public Guid? LatestEventId { get; init; }
        public int Position { get; init; }
        public string Text { get; init; } = "";
        public string? Direction { get; init; }
        public string? SubDirection { get; init; }
        public long? BudgetYuan { get; init; }
        public int? WithinDays { get; init; }
        public string District { get; init; } = "";
        public string? Industry { get; init; }
        public string? Scale { get; init; }
    }

    private sealed class StateRow
    {
        public int ListRowVersion { get; init; }
        public string Status { get; init; } = "";
        public Guid? LatestEventId { get; init; }
    }

    public async Task OnIndexedAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct)
    {
        await queue.EnqueueAsync(documents, ct);
        signal.Poke();
    }

    /// <summary>
    /// Re-matches the open demand items that the newly published offerings of <paramref name="directions"/> may enter, and
    /// those that show offerings of <paramref name="offeringIds"/> retired meanwhile.
    /// </summary>
    public async Task RematchAsync(IReadOnlyCollection<Guid> offeringIds, IReadOnlyCollection<string> directions, CancellationToken ct)
    {
        if (offeringIds.Count == 0)
        {
            return;
        }
        HashSet<Guid> withdrawn;
        await using (var c = await db.OpenAsync(ct))
        {
            withdrawn = (await c.QueryAsync<Guid>(db.Command(MatchSql.WithdrawnOfferings, new { Ids = DapperTypeHandlers.ListParameter(offeringIds) }, ct: ct))).ToHashSet();
        }
        if (withdrawn.Count > 0)
        {
            await RematchWithoutAsync(withdrawn, ct);
        }
        var published = offeringIds.Where(id => !withdrawn.Contains(id)).ToArray();
        if (published.Length > 0)
        {
            await RematchWithAsync(published, directions, ct);
        }
    }

    /// <summary>Items whose current matches show a withdrawn offering get a run without it.</summary>
    private async Task RematchWithoutAsync(HashSet<Guid> withdrawn, CancellationToken ct)
    {
        CandidateRow[] candidates;
        await using (var c = await db.OpenAsync(ct))
        {
            candidates = (await c.QueryAsync<CandidateRow>(db.Command(MatchSql.ItemsShowingOfferings,
                new { Ids = DapperTypeHandlers.ListParameter(withdrawn) }, ct: ct))).ToArray();
        }
        var changed = 0;
        foreach (var list in candidates.GroupBy(r => r.ListId))
        {
            var outcomes = new List<(CandidateRow Row, ItemMatchOutcome Outcome)>();
            foreach (var row in list)
            {
                // Another node's index may not have dropped it yet: writing the run leaves out what was withdrawn.
                outcomes.Add((row, await ComputeAsync(row, ct)));
            }
            changed += await WriteAsync(list.Key, list.First().District, MatchEventReasons.OfferingRetired, outcomes, ct);
        }
        if (changed > 0)
        {
            logger.LogInformation("Re-matched {Items} demand items after {Offerings} offerings were retired", changed, withdrawn.Count);
        }
    }

    private Task<ItemMatchOutcome> ComputeAsync(CandidateRow row, CancellationToken ct) =>
        runs.ComputeAsync(new ItemToMatch(row.ItemId, row.Text, row.Direction, row.SubDirection, row.BudgetYuan, row.WithinDays),
            new EnterpriseProfile(row.District, row.Industry, row.Scale), ct);

    private async Task RematchWithAsync(IReadOnlyCollection<Guid> offeringIds, IReadOnlyCollection<string> directions, CancellationToken ct)
    {
        var newIds = offeringIds.ToHashSet();
        CandidateRow[] candidates;
        await using (var c = await db.OpenAsync(ct))
        {
            // IN with an empty list is not valid SQL; a sentinel keeps the statement shared.
            candidates = (await c.QueryAsync<CandidateRow>(db.Command(MatchSql.RematchCandidates,
                new { Directions = directions.Count == 0 ? [""] : directions.ToArray(), Ids = DapperTypeHandlers.ListParameter(offeringIds) }, ct: ct))).ToArray();
        }
        var changed = 0;
        foreach (var list in candidates.GroupBy(r => r.ListId))
        {
            var outcomes = new List<(CandidateRow Row, ItemMatchOutcome Outcome)>();
            foreach (var row in list)
            {
                var previous = await PreviousOfferingsAsync(row.LatestEventId, ct);
                var outcome = await ComputeAsync(row, ct);
                var entered = outcome.Result.Matches.Take(MatchRuns.StoredTopK).Any(m => newIds.Contains(m.OfferingId) && !previous.Contains(m.OfferingId));
                if (entered)
                {
                    outcomes.Add((row, outcome));
                }
            }
            if (outcomes.Count > 0)
            {
                changed += await WriteAsync(list.Key, list.First().District, MatchEventReasons.OfferingPublished, outcomes, ct);
            }
        }
        if (changed > 0)
        {
            logger.LogInformation("Re-matched {Items} demand items after {Documents} offerings were published", changed, offeringIds.Count);
        }
    }

    private async Task<HashSet<Guid>> PreviousOfferingsAsync(Guid? eventId, CancellationToken ct)
    {
        if (eventId is null)
        {
            return [];
        }
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Guid>(db.Command(MatchSql.OfferingIdsOfEvent, new { EventId = eventId }, ct: ct))).ToHashSet();
    }

    /// <summary>Stores the run for the items still as they were matched (unchanged list version, same latest event, list open).</summary>
    private async Task<int> WriteAsync(Guid listId, string district, string reason, List<(CandidateRow Row, ItemMatchOutcome Outcome)> outcomes, CancellationToken ct) =>
        await db.InTransactionAsync(async (c, t) =>
        {
            await runs.LockAsync(c, t, ct);
            var current = new List<ItemMatchOutcome>();
            foreach (var (row, outcome) in outcomes)
            {
                var state = await c.QuerySingleOrDefaultAsync<StateRow>(db.Command(MatchSql.ItemState, new { row.ItemId }, t, ct));
                if (state is not null && state.Status == DemandListStatuses.Open && state.ListRowVersion == row.ListRowVersion && state.LatestEventId == row.LatestEventId)
                {
                    current.Add(outcome);
                }
            }
            if (current.Count > 0)
            {
                await runs.WriteRunAsync(c, t, listId, district, reason, current, clock.GetUtcNow(), ct);
            }
            return current.Count;
        }, ct);
}
