using System.Diagnostics;
using System.Runtime.CompilerServices;
using Marketplace.Core.Matching;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Demands;

/// <summary>
/// Before the node reports ready, reads the technology items of the live offerings into the matcher's cache
/// (<see cref="DemandMatcher.PrepareOffering"/>), so that the first demand lists a node matches do not read up to
/// 200 candidates' items each (at 100,000 offerings: 10-item lists 170 ms median on a cold node, 42 s of this work at
/// half a core). The same read fills the catalog language's first sample (<see cref="CatalogLanguage.RefreshAsync"/>), so
/// that a starting node reads the catalog once, and reads demands with the catalog's language from its first request.
/// It runs beside the search warm-ups; readiness waits for it (<see cref="Hosting.SearchWarmUpHealthCheck"/>).
/// </summary>
public sealed class MatchingWarmUp(
    OfferingStore offerings,
    DemandMatcher matcher,
    CatalogLanguage language,
    IOptions<MatchingOptions> options,
    ILogger<MatchingWarmUp> logger) : BackgroundService
{
    private const int BatchSize = 1_000;

    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _prepared;

    /// <summary>Completes when the warm-up has ended, read everything or not.</summary>
    public Task Completed => _completed.Task;

    /// <summary>
    /// The catalog's version when the warm-up began reading it into the catalog language, or null when it did not read it all
    /// (the catalog-language pass need not read it again while the version stays the same).
    /// </summary>
    public CatalogVersion? ReadCatalog { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        try
        {
            await Task.Yield();
            var clock = Stopwatch.StartNew();
            if (options.Value.LearnFromCatalog)
            {
                var version = await offerings.CatalogVersionAsync(ct);
                await language.RefreshAsync(PreparedBatchesAsync(ct), ct);
                ReadCatalog = version;
            }
            else
            {
                await foreach (var _ in PreparedBatchesAsync(ct))
                {
                    if (_prepared >= DemandMatcher.MaxCachedOfferings)
                    {
                        break;
                    }
                }
            }
            logger.LogInformation("Matching warm-up: read the technology items of {Offerings} live offerings in {Seconds:F1} s{Language}", _prepared,
                clock.Elapsed.TotalSeconds, ReadCatalog is not null ? $" ({language.Examples} of them teach the items' language)" : "");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Matching warm-up stopped early; the first matches will read their candidates' items themselves");
        }
        finally
        {
            _completed.TrySetResult();
        }
    }

    /// <summary>The live offerings a batch at a time, each batch's items read into the matcher's cache (up to its bound).</summary>
    private async IAsyncEnumerable<IReadOnlyList<OfferingDocument>> PreparedBatchesAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var batch in offerings.LiveDocumentBatchesAsync(BatchSize, ct))
        {
            foreach (var offering in batch.TakeWhile(_ => _prepared < DemandMatcher.MaxCachedOfferings))
            {
                matcher.PrepareOffering(offering);
                _prepared++;
            }
            yield return batch;
        }
    }
}
