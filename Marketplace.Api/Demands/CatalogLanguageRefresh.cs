using System.Diagnostics;
using Marketplace.Core.Demands;
using Marketplace.Core.Diagnostics;
using Marketplace.Core.Engagements;
using Marketplace.Core.Matching;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Demands;

/// <summary>
/// Reads the whole live catalog into <see cref="CatalogLanguage"/> every <see cref="MatchingOptions.CatalogRefreshInterval"/>
/// once the matching warm-up has read it (the warm-up's read is the first); a pass finding the catalog's version
/// (<see cref="OfferingStore.CatalogVersionAsync"/>) where the last read left it skips the read, so a quiet pool is not read
/// again every interval by every node. The pass exists because a node's indexer sees only the changes it indexed itself,
/// and a retired offering leaves a gap in the sample. Each pass also reads the labelled demands: those integrators
/// accepted engagements for, those whose owner stated the technology item, and the findings of diagnosis reports that name
/// one (<see cref="CatalogLanguage.LearnFromDemands"/>).
/// </summary>
public sealed class CatalogLanguageRefresh(
    CatalogLanguage language,
    OfferingStore offerings,
    EngagementStore engagements,
    DemandStore demands,
    DiagnosisStore diagnoses,
    MatchingWarmUp warmUp,
    IOptions<MatchingOptions> options,
    TimeProvider clock,
    ILogger<CatalogLanguageRefresh> logger) : BackgroundService
{
    private const int BatchSize = 1_000;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!options.Value.LearnFromCatalog && !options.Value.LearnFromDemands)
        {
            return;
        }
        try
        {
            await warmUp.Completed.WaitAsync(ct);
            using var timer = new PeriodicTimer(options.Value.CatalogRefreshInterval, clock);
            do
            {
                try
                {
                    await RefreshAsync(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Catalog language: reading the catalog failed; demands are read with the language learnt before");
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping, or a start-up that failed (the host then cancels without stopping, and would log it as a fault).
        }
    }

    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>The catalog's version as this pass's last complete read of it found it (else as the warm-up's did; null: read it).</summary>
    private CatalogVersion? _readCatalog;

    /// <summary>
    /// One pass: the labelled demands and the live catalog unless it is unchanged since the last read, then one rebuild of the
    /// model. Passes do not overlap. Whether the catalog was read.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            return await PassAsync(ct);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<bool> PassAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        CatalogVersion? version = null;
        if (options.Value.LearnFromCatalog)
        {
            version = await offerings.CatalogVersionAsync(ct);
        }
        var readCatalog = version is not null && version != (_readCatalog ?? warmUp.ReadCatalog);
        if (options.Value.LearnFromDemands)
        {
            // The catalog pass below rebuilds the model; without one, this does.
            language.LearnFromDemands(await LabelledDemandsAsync(ct), rebuild: !readCatalog);
        }
        if (readCatalog)
        {
            await language.RefreshAsync(offerings.LiveDocumentBatchesAsync(BatchSize, ct), ct);
            _readCatalog = version;
        }
        logger.LogInformation("Catalog language: {Examples} offerings and {Demands} labelled demands teach the items' language (read in {Seconds:F1} s{Unchanged}, model built in {BuildMs:F0} ms)",
            language.Examples, language.LabelledDemands, Stopwatch.GetElapsedTime(started).TotalSeconds,
            readCatalog || version is null ? "" : "; the catalog is unchanged since its last read", language.LastRebuildCost.TotalMilliseconds);
        return readCatalog;
    }

    /// <summary>
    /// Demand items with an accepted engagement (most recently accepted first), then those with a stated item only (newest
    /// first), then the findings of diagnosis reports that name an item (the newest reports first).
    /// </summary>
    private async Task<IReadOnlyList<LabelledDemand>> LabelledDemandsAsync(CancellationToken ct)
    {
        var accepted = await engagements.AcceptedDemandsAsync(MaxLabelledDemands, ct);
        var statedNewestFirst = await demands.StatedItemsAsync(MaxLabelledDemands, ct);
        var stated = statedNewestFirst.ToDictionary(d => d.ItemId);
        var engaged = (await offerings.IndexDocumentsAsync(accepted.Select(a => a.OfferingId).ToArray(), ct)).ToDictionary(d => d.Id);
        var labelled = accepted.GroupBy(a => a.ItemId)
            .Select(item => new LabelledDemand(item.First().OwnerId, item.First().Text, stated.GetValueOrDefault(item.Key)?.SubDirection,
                item.Where(a => engaged.ContainsKey(a.OfferingId)).Select(a => engaged[a.OfferingId]).ToArray()))
            .ToList();
        var seen = accepted.Select(a => a.ItemId).ToHashSet();
        labelled.AddRange(statedNewestFirst.Where(d => !seen.Contains(d.ItemId)).Select(d => new LabelledDemand(d.OwnerId, d.Text, d.SubDirection, [])));
        var findings = await diagnoses.LabelledFindingsAsync(MaxDiagnosisReports, ct);
        labelled.AddRange(findings.Select(f => new LabelledDemand(f.Enterprise, f.Finding.Text, f.Finding.SubDirection, [])));
        return labelled;
    }

    /// <summary>At most this many demands of each kind are read per pass (the most recent): enough for every item's share.</summary>
    private const int MaxLabelledDemands = 20_000;

    /// <summary>At most the latest reports of this many diagnoses are read per pass (each up to 50 findings).</summary>
    private const int MaxDiagnosisReports = 5_000;
}
