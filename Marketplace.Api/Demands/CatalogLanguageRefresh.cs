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
/// Reads the whole live catalog into <see cref="CatalogLanguage"/> once the matching warm-up has read the offerings' items
/// (the pass reuses them), then every <see cref="MatchingOptions.CatalogRefreshInterval"/>; each pass also reads the
/// labelled demands: those integrators accepted engagements for, those whose owner stated the technology item, and the
/// findings of diagnosis reports that name one (<see cref="CatalogLanguage.LearnFromDemands"/>). A starting node's first
/// pass reads only the labelled demands: the matching warm-up has just read the catalog into the catalog language.
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
            var readCatalog = !warmUp.ReadCatalog;
            using var timer = new PeriodicTimer(options.Value.CatalogRefreshInterval, clock);
            do
            {
                try
                {
                    await RefreshAsync(readCatalog, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Catalog language: reading the catalog failed; demands are read with the language learnt before");
                }
                readCatalog = true;
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping, or a start-up that failed (the host then cancels without stopping, and would log it as a fault).
        }
    }

    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>One pass: the labelled demands and the live catalog, then one rebuild of the model. Passes do not overlap.</summary>
    public Task RefreshAsync(CancellationToken ct) => RefreshAsync(readCatalog: true, ct);

    private async Task RefreshAsync(bool readCatalog, CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            await PassAsync(readCatalog && options.Value.LearnFromCatalog, ct);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task PassAsync(bool readCatalog, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        if (options.Value.LearnFromDemands)
        {
            // The catalog pass below rebuilds the model; without one, this does.
            language.LearnFromDemands(await LabelledDemandsAsync(ct), rebuild: !readCatalog);
        }
        if (readCatalog)
        {
            await language.RefreshAsync(offerings.LiveDocumentBatchesAsync(BatchSize, ct), ct);
        }
        logger.LogInformation("Catalog language: {Examples} offerings and {Demands} labelled demands teach the items' language (read in {Seconds:F1} s, model built in {BuildMs:F0} ms)",
            language.Examples, language.LabelledDemands, Stopwatch.GetElapsedTime(started).TotalSeconds, language.LastRebuildCost.TotalMilliseconds);
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
