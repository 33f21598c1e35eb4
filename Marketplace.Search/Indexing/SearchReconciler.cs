using Marketplace.Core.Leasing;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Search.Indexing;

/// <summary>What a reconciliation found (and queued for repair) on one node's index.</summary>
/// <param name="DatabaseLive">Published offerings in the database (not retired).</param>
/// <param name="IndexLive">Live documents in the index.</param>
/// <param name="InFlight">Offerings skipped because a change of theirs is still on its way through the outbox.</param>
/// <param name="Missing">Published offerings the index lacks.</param>
/// <param name="Stale">Offerings the index holds at another version than the database (older content, a retired one still live, or an index ahead of the database).</param>
/// <param name="Extra">Live documents of offerings the database does not have.</param>
/// <param name="Repaired">Drifted documents queued or written for repair (0 for a dry run).</param>
public sealed record ReconciliationReport(
    string Node,
    DateTimeOffset StartedAt,
    double DurationMs,
    bool DryRun,
    int DatabaseLive,
    int IndexLive,
    int InFlight,
    int Missing,
    int Stale,
    int Extra,
    int Repaired,
    IReadOnlyList<Guid> MissingSample,
    IReadOnlyList<Guid> StaleSample,
    IReadOnlyList<Guid> ExtraSample)
{
    public int Drift => Missing + Stale + Extra;
}

/// <summary>
/// Compares the database's published offerings and their index versions with what this node's index holds, reports the
/// drift — missing, stale, extra — and repairs it: missing and stale offerings are queued through the outbox again (the
/// index's version guard needs the version to move above what it holds, see
/// <see cref="OfferingStore.RequeueForIndexAsync"/>), documents of offerings unknown to the database are overwritten by
/// tombstones. Offerings with a change on its way through the outbox are left out of the comparison, so a reconciliation
/// during publishing reports no false drift. Run by the background <see cref="SearchReconciliationService"/> and by the
/// operator's admin operation; the last report is kept for the status endpoint.
/// </summary>
public sealed class SearchReconciler(
    OfferingStore offerings,
    SearchOutbox outbox,
    IOfferingIndex index,
    LeaseHolder holder,
    TimeProvider clock,
    ILogger<SearchReconciler> logger)
{
    /// <summary>Changes processed less than this long ago are still in flight: a node's follower, or an engine's refresh, may not show them yet.</summary>
    public static readonly TimeSpan Settling = TimeSpan.FromSeconds(5);

    private const int SampleSize = 20;
    private readonly SemaphoreSlim _running = new(1, 1);

    public ReconciliationReport? Last { get; private set; }

    public async Task<ReconciliationReport> ReconcileAsync(bool dryRun, CancellationToken ct)
    {
        await _running.WaitAsync(ct);
        try
        {
            var started = clock.GetUtcNow();
            // The index first, then the database: a change between the two reads shows as in flight, never as drift.
            var indexed = await index.ReadVersionsAsync(ct);
            var inFlight = await outbox.InFlightAsync(started - Settling, ct);
            var states = await offerings.IndexStatesAsync(ct);

            var known = new HashSet<Guid>(states.Count);
            var missing = new List<IndexRepair>();
            var stale = new List<IndexRepair>();
            var skipped = 0;
            foreach (var state in states)
            {
                known.Add(state.Id);
                if (inFlight.Contains(state.Id))
                {
                    skipped++;
                    continue;
                }
                var has = indexed.TryGetValue(state.Id, out var document);
                if (state.Live && !has)
                {
                    missing.Add(new IndexRepair(state.Id, state.IndexVersion, 0));
                }
                else if (has && (document.Version != state.IndexVersion || document.Live != state.Live))
                {
                    stale.Add(new IndexRepair(state.Id, state.IndexVersion, document.Version));
                }
            }
            var extra = indexed.Where(d => d.Value.Live && !known.Contains(d.Key) && !inFlight.Contains(d.Key)).ToList();

            var repaired = 0;
            if (!dryRun)
            {
                repaired += await offerings.RequeueForIndexAsync([.. missing, .. stale], ct);
                if (extra.Count > 0)
                {
                    // No catalog row to queue: a tombstone above the indexed version takes the document out of search.
                    await index.WriteAsync(extra.Select(d => OfferingDocument.Tombstone(d.Key, d.Value.Version + 1)).ToArray(), ct);
                    repaired += extra.Count;
                }
            }
            var report = new ReconciliationReport(holder.Id, started, (clock.GetUtcNow() - started).TotalMilliseconds, dryRun,
                states.Count(s => s.Live), indexed.Count(d => d.Value.Live), skipped, missing.Count, stale.Count, extra.Count, repaired,
                missing.Take(SampleSize).Select(r => r.Id).ToArray(), stale.Take(SampleSize).Select(r => r.Id).ToArray(),
                extra.Take(SampleSize).Select(d => d.Key).ToArray());
            Last = report;
            if (report.Drift > 0)
            {
                logger.LogWarning("Search reconciliation on {Node}: {Missing} missing, {Stale} stale, {Extra} extra of {DatabaseLive} published offerings " +
                    "({IndexLive} live in the index, {InFlight} in flight); {Action}",
                    report.Node, report.Missing, report.Stale, report.Extra, report.DatabaseLive, report.IndexLive, report.InFlight,
                    dryRun ? "dry run, nothing repaired" : $"{repaired} queued or written for repair");
            }
            else
            {
                logger.LogInformation("Search reconciliation on {Node}: no drift ({DatabaseLive} published offerings, {IndexLive} live in the index, {InFlight} in flight)",
                    report.Node, report.DatabaseLive, report.IndexLive, report.InFlight);
            }
            return report;
        }
        finally
        {
            _running.Release();
        }
    }
}

/// <summary>Reconciles this node's index with the database every <see cref="SearchOptions.ReconcileInterval"/> (first run after one interval).</summary>
public sealed class SearchReconciliationService(
    SearchReconciler reconciler,
    SearchIndexStatus status,
    IOptions<SearchOptions> options,
    TimeProvider clock,
    ILogger<SearchReconciliationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReconcileInterval;
        if (interval <= TimeSpan.Zero || !options.Value.Indexer.Enabled)
        {
            logger.LogInformation("Periodic search reconciliation is off on this node");
            return;
        }
        var wait = options.Value.ReconcileAfterStart < interval ? options.Value.ReconcileAfterStart : interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, clock, stoppingToken);
                wait = interval;
                if (status.Availability == SearchAvailability.Ready)
                {
                    await reconciler.ReconcileAsync(dryRun: false, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Search reconciliation failed; retrying at the next interval");
            }
        }
    }
}
