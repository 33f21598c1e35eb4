using System.Diagnostics;
using Marketplace.Api.Hosting;
using Marketplace.Core.Matching;
using Marketplace.Core.Offerings;

namespace Marketplace.Api.Demands;

/// <summary>
/// Once the node is ready, reads the technology items of every live offering into the matcher's cache
/// (<see cref="DemandMatcher.PrepareOffering"/>), so that the first demand lists a node matches do not read up to
/// 200 candidates' items each (at 100,000 offerings: 10-item lists 170 ms median cold). It takes at most half of one core:
/// after each batch it pauses as long as the batch took, and searches keep the rest.
/// </summary>
public sealed class MatchingWarmUp(HttpWarmUp httpWarmUp, OfferingStore offerings, DemandMatcher matcher, ILogger<MatchingWarmUp> logger) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        try
        {
            await httpWarmUp.Completed.WaitAsync(ct);
            var clock = Stopwatch.StartNew();
            var prepared = 0;
            await foreach (var batch in offerings.LiveDocumentBatchesAsync(BatchSize, ct))
            {
                var started = Stopwatch.GetTimestamp();
                foreach (var offering in batch)
                {
                    matcher.PrepareOffering(offering);
                }
                prepared += batch.Count;
                await Task.Delay(Stopwatch.GetElapsedTime(started), ct);
            }
            logger.LogInformation("Matching warm-up: read the technology items of {Offerings} live offerings in {Seconds:F1} s", prepared, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Matching warm-up stopped early; the first matches will read their candidates' items themselves");
        }
    }
}
