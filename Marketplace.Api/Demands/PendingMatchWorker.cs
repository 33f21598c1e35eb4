using Marketplace.Core.Demands;
using Marketplace.Core.Matching;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Demands;

/// <summary>
/// Writes the runs of demand lists stored while the search engine could not answer (<see cref="DemandStore.MatchPendingAsync"/>),
/// looking every few seconds. Several nodes may do it together: a list's run is written once (the first to take it).
/// </summary>
public sealed class PendingMatchWorker(DemandStore demands, IOptions<MatchingOptions> options, TimeProvider clock, ILogger<PendingMatchWorker> logger) : BackgroundService
{
    private const int BatchSize = 20;

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RematchWorkerEnabled)
        {
            return; // other nodes match the pending lists (the same switch as re-matching)
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var written = await demands.MatchPendingAsync(BatchSize, stoppingToken);
                if (written > 0)
                {
                    logger.LogInformation("Matched {Lists} demand lists stored while search was unavailable", written);
                }
                if (written < BatchSize)
                {
                    await Task.Delay(PollInterval, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Matching the pending demand lists failed; retrying");
                try
                {
                    await Task.Delay(PollInterval * 5, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
