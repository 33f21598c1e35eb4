using System.Diagnostics;
using Marketplace.Core.Matching;
using Marketplace.Core.Offerings;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Demands;

/// <summary>
/// Reads the whole live catalog into <see cref="CatalogLanguage"/> once the matching warm-up has read the offerings' items
/// (the pass reuses them), then every <see cref="MatchingOptions.CatalogRefreshInterval"/>. Until the first pass ends, a
/// node that starts on a catalog reads demands with the taxonomy's language alone.
/// </summary>
public sealed class CatalogLanguageRefresh(
    CatalogLanguage language,
    OfferingStore offerings,
    MatchingWarmUp warmUp,
    IOptions<MatchingOptions> options,
    TimeProvider clock,
    ILogger<CatalogLanguageRefresh> logger) : BackgroundService
{
    private const int BatchSize = 1_000;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!options.Value.LearnFromCatalog)
        {
            return;
        }
        await warmUp.Completed.WaitAsync(ct);
        using var timer = new PeriodicTimer(options.Value.CatalogRefreshInterval, clock);
        do
        {
            try
            {
                var started = Stopwatch.GetTimestamp();
                await language.RefreshAsync(offerings.LiveDocumentBatchesAsync(BatchSize, ct), ct);
                logger.LogInformation("Catalog language: {Examples} offerings teach the items' language (catalog read in {Seconds:F1} s, model built in {BuildMs:F0} ms)",
                    language.Examples, Stopwatch.GetElapsedTime(started).TotalSeconds, language.LastRebuildCost.TotalMilliseconds);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Catalog language: reading the catalog failed; demands are read with the language learnt before");
            }
        }
        while (await timer.WaitForNextTickAsync(ct));
    }
}
