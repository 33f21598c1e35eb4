using System.Diagnostics;
using Marketplace.Core.Matching;
using Marketplace.Core.Offerings;

namespace Marketplace.Api.Demands;

/// <summary>
/// Before the node reports ready, reads the technology items of the live offerings into the matcher's cache
/// (<see cref="DemandMatcher.PrepareOffering"/>), so that the first demand lists a node matches do not read up to
/// 200 candidates' items each (at 100,000 offerings: 10-item lists 170 ms median on a cold node, 42 s of this work at
/// half a core). It runs beside the search warm-ups; readiness waits for it (<see cref="Hosting.SearchWarmUpHealthCheck"/>).
/// </summary>
public sealed class MatchingWarmUp(OfferingStore offerings, DemandMatcher matcher, ILogger<MatchingWarmUp> logger) : BackgroundService
{
    private const int BatchSize = 1_000;

    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the warm-up has ended, read everything or not.</summary>
    public Task Completed => _completed.Task;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        try
        {
            await Task.Yield();
            var clock = Stopwatch.StartNew();
            var prepared = 0;
            await foreach (var batch in offerings.LiveDocumentBatchesAsync(BatchSize, ct))
            {
                foreach (var offering in batch)
                {
                    matcher.PrepareOffering(offering);
                }
                prepared += batch.Count;
                if (prepared >= DemandMatcher.MaxCachedOfferings)
                {
                    break;
                }
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
        finally
        {
            _completed.TrySetResult();
        }
    }
}
