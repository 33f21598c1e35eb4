using Marketplace.Core.Leasing;
using Marketplace.Core.Matching;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Demands;

/// <summary>
/// Drains the <see cref="RematchQueue"/> on this node: claims a batch with the process's lease (renewed while it works),
/// re-matches the open demand items the batch's offerings may enter (<see cref="DemandRematcher.RematchAsync"/>) and
/// deletes the rows; a failed batch is retried after a back-off. Several nodes drain the queue together; a killed
/// process's rows are taken up by its successor or, after one lease, by any node.
/// </summary>
public sealed class DemandRematchWorker(
    RematchQueue queue,
    DemandRematcher rematcher,
    Leases leases,
    RematchSignal signal,
    IOptions<MatchingOptions> options,
    TimeProvider clock,
    ILogger<DemandRematchWorker> logger) : BackgroundService
{
    private const int BatchSize = 200;

    /// <summary>How often a node looks for rows another node's indexer queued (its own indexer wakes it at once).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RematchWorkerEnabled)
        {
            logger.LogWarning("Re-matching disabled on this node (Marketplace:Matching:RematchWorkerEnabled=false): other nodes re-match");
            return;
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunBatchAsync(stoppingToken) == 0)
                {
                    await signal.WaitAsync(PollInterval, stoppingToken);
                }
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                logger.LogError(e, "Re-match worker could not read its queue (failure {Failures}); retrying", failures);
                try
                {
                    await Task.Delay(Backoff(failures), clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Claims and re-matches one batch; returns how many rows it claimed.</summary>
    private async Task<int> RunBatchAsync(CancellationToken ct)
    {
        var entries = await queue.ClaimAsync(leases.Holder.Id, BatchSize, leases.ExpiryFromNow(), ct);
        if (entries.Count == 0)
        {
            return 0;
        }
        var seqs = entries.Select(e => e.Seq).ToArray();
        await using var lease = leases.Hold(queue, seqs, ct);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, lease.Lost);
        try
        {
            var directions = entries.SelectMany(e => e.Directions.Split(',', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToArray();
            await rematcher.RematchAsync(entries.Select(e => e.OfferingId).Distinct().ToArray(), directions, work.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await queue.ReleaseAsync(leases.Holder.Id, seqs, "interrupted by shutdown", TimeSpan.Zero, CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException) when (lease.IsLost)
        {
            logger.LogWarning("Re-match rows seq {First}..{Last} were taken over by another node; left to it", seqs[0], seqs[^1]);
            return entries.Count;
        }
        catch (Exception e)
        {
            var attempts = entries.Max(x => x.Attempts) + 1;
            logger.LogError(e, "Re-matching after {Count} published offerings failed, attempt {Attempts}; retrying in {RetryAfter}", entries.Count, attempts, Backoff(attempts));
            await queue.ReleaseAsync(leases.Holder.Id, seqs, $"{e.GetType().Name}: {e.Message}", Backoff(attempts), CancellationToken.None);
            return entries.Count;
        }
        await queue.CompleteAsync(leases.Holder.Id, seqs, CancellationToken.None);
        return entries.Count;
    }

    private static TimeSpan Backoff(int attempts) => TimeSpan.FromMilliseconds(Math.Min(60_000, 500 * Math.Pow(2, Math.Min(attempts, 10))));
}
