using System.Threading.Channels;
using Marketplace.Core.Jobs;
using Marketplace.Core.Leasing;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Marketplace.Search.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Marketplace.Search.Indexing;

/// <summary>
/// Rebuilds the search index from SQL as a job: a new physical index is filled from every live offering
/// (streamed in batches, progress recorded per batch) and swapped in, while the live index keeps serving.
/// The job row is in SQL so any node can report it; the work runs on the node that accepted the request.
/// </summary>
public sealed class SearchRebuildService(
    JobStore jobs,
    OfferingStore offerings,
    IOfferingIndex index,
    LeaseHolder node,
    IOptions<SearchOptions> options,
    SearchIndexStatus status,
    SearchOutbox outbox,
    TimeProvider clock,
    ILogger<SearchRebuildService> logger) : BackgroundService
{
    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ResiliencePipeline _batches = SearchResilience.CreateRebuildPipeline(options.Value.Resilience, clock);

    /// <summary>The requester recorded on rebuilds this node starts by itself (to repair a damaged or missing index).</summary>
    public static readonly Guid SystemRequester = Guid.Empty;

    /// <summary>Records a queued rebuild job and hands it to the background loop; 409 when one is already active.</summary>
    public async Task<Job> StartAsync(Guid requestedBy, CancellationToken ct)
    {
        var orphaned = await jobs.FailOrphanedAsync(JobKinds.SearchRebuild, ct);
        if (orphaned > 0)
        {
            logger.LogWarning("Marked {Count} jobs failed whose node is gone", orphaned);
        }
        var job = await jobs.CreateAsync(JobKinds.SearchRebuild, node.Id, requestedBy, ct);
        if (!_queue.Writer.TryWrite(job.Id))
        {
            await jobs.FailAsync(job.Id, 0, "this node is shutting down", CancellationToken.None);
            return await jobs.GetAsync(job.Id, ct);
        }
        logger.LogInformation("Search index rebuild {JobId} queued by {RequestedBy} on node {Node}", job.Id, requestedBy, node.Id);
        return job;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await RunAsync(id, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var id))
            {
                await TryFailAsync(id, 0, "node shut down before the job started");
            }
        }
    }

    private async Task RunAsync(Guid id, CancellationToken ct)
    {
        long processed = 0;
        try
        {
            var total = await offerings.CountAsync(new OfferingListFilter(null, null, LiveOnly: true), ct);
            await jobs.StartAsync(id, total, ct);
            logger.LogInformation("Search index rebuild {JobId} started: {Total} live offerings", id, total);
            var started = clock.GetUtcNow();
            await using (var rebuild = await index.BeginRebuildAsync(ct))
            {
                // The next batch is read from SQL while this one is analysed.
                await foreach (var batch in offerings.LiveDocumentBatchesAsync(options.Value.RebuildBatchSize, ct).ReadAheadAsync(1, ct))
                {
                    await _batches.ExecuteAsync(token => new ValueTask(rebuild.AddAsync(batch, token)), ct);
                    processed += batch.Count;
                    await jobs.ProgressAsync(id, processed, ct);
                }
                await rebuild.SwapAsync(ct);
            }
            await CatchUpAsync(started, ct);
            status.Repaired();
            await jobs.SucceedAsync(id, processed, ct);
            logger.LogInformation("Search index rebuild {JobId} finished: {Processed} offerings indexed and swapped in", id, processed);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            logger.LogWarning("Search index rebuild {JobId} interrupted by shutdown after {Processed} offerings; the previous index stays live", id, processed);
            await TryFailAsync(id, processed, "interrupted by shutdown; the previous index stays live");
            throw;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Search index rebuild {JobId} failed after {Processed} offerings; the previous index stays live", id, processed);
            await TryFailAsync(id, processed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Writes again, now into the swapped-in index, every offering changed since the rebuild began. With a shared engine
    /// (Elasticsearch) only this node wrote to the new index while it was filled: other nodes' indexers wrote their changes
    /// to the old one, which the swap dropped, and the scan of the catalog may have passed an offering before it changed.
    /// Versions make a repeated write harmless.
    /// </summary>
    private async Task CatchUpAsync(DateTimeOffset started, CancellationToken ct)
    {
        var changed = await outbox.InFlightAsync(started - SearchReconciler.Settling, ct);
        foreach (var chunk in changed.Chunk(options.Value.RebuildBatchSize))
        {
            await index.WriteAsync(await offerings.IndexDocumentsAsync(chunk, ct), ct);
        }
        if (changed.Count > 0)
        {
            logger.LogInformation("Search index rebuild: {Count} offerings changed during the rebuild written again into the new index", changed.Count);
        }
    }

    private async Task TryFailAsync(Guid id, long processed, string error)
    {
        try
        {
            await jobs.FailAsync(id, processed, error, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not record the failure of job {JobId}: {Error}", id, error);
        }
    }
}
