using Marketplace.Core.Leasing;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Marketplace.Search.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Marketplace.Search.Indexing;

/// <summary>
/// Drains the search outbox into the index: claims a batch of rows (leased to this process and renewed while it works, see
/// <see cref="Leases"/>), loads the offerings' current documents, writes them through the resilience pipeline, tells the
/// index observers and marks the rows processed. A batch whose lease is lost (another holder took it over) is abandoned
/// without being marked: the new holder finishes it. A failed batch is
/// released with attempts + 1 and the error, and retried after a back-off; rows are never dropped. The engines'
/// version guard makes at-least-once, out-of-order delivery safe. Woken by <see cref="SearchIndexSignal"/>
/// after a publish or retire on this node, otherwise polling.
/// </summary>
public sealed class SearchIndexer : BackgroundService
{
    private static readonly TimeSpan CleanupEvery = TimeSpan.FromHours(1);

    private readonly SearchOutbox _outbox;
    private readonly OfferingStore _offerings;
    private readonly IOfferingIndex _index;
    private readonly SearchIndexSignal _signal;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly ILogger<SearchIndexer> _logger;
    private readonly SearchIndexerOptions _options;
    private readonly ResiliencePipeline _pipeline;
    private readonly Leases _leases;
    private readonly SearchIndexStatus _status;
    private DateTimeOffset _nextCleanup = DateTimeOffset.MinValue;
    private bool _indexEnsured;

    public SearchIndexer(SearchOutbox outbox, OfferingStore offerings, IOfferingIndex index, SearchIndexSignal signal, IServiceScopeFactory scopes,
        IOptions<SearchOptions> options, Leases leases, SearchIndexStatus status, TimeProvider clock, ILogger<SearchIndexer> logger)
    {
        _outbox = outbox;
        _offerings = offerings;
        _index = index;
        _signal = signal;
        _scopes = scopes;
        _clock = clock;
        _logger = logger;
        _options = options.Value.Indexer;
        _pipeline = SearchResilience.CreateWritePipeline(options.Value.Resilience, clock);
        _leases = leases;
        _status = status;
        NodeId = leases.Holder.Id;
    }

    /// <summary>This process's lease holder id.</summary>
    public string NodeId { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            _logger.LogWarning("Search indexer disabled on node {Node} (Marketplace:Search:Indexer:Enabled=false): the outbox is drained by other nodes only", NodeId);
            return;
        }
        _logger.LogInformation("Search indexer started on node {Node}, polling every {PollInterval}", NodeId, _options.PollInterval);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var outcome = await RunOnceAsync(stoppingToken);
                failures = outcome == BatchOutcome.Failed ? failures + 1 : 0;
                await CleanupIfDueAsync(stoppingToken);
                switch (outcome)
                {
                    case BatchOutcome.Full:
                    case BatchOutcome.LeaseLost:
                        continue; // more may be waiting
                    case BatchOutcome.Failed:
                        await Task.Delay(Backoff(failures), _clock, stoppingToken);
                        break;
                    default:
                        await _signal.WaitAsync(_options.PollInterval, stoppingToken);
                        break;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The outbox itself (the database) failed: nothing was claimed or the claim lapses with its lease.
                failures++;
                _logger.LogError(e, "Search indexer on node {Node} could not read the outbox (failure {Failures}); retrying", NodeId, failures);
                try
                {
                    await Task.Delay(Backoff(failures), _clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    public enum BatchOutcome
    {
        /// <summary>Nothing to do.</summary>
        Empty,
        /// <summary>A partial batch was indexed: the outbox is drained for now.</summary>
        Drained,
        /// <summary>A full batch was indexed: go again at once.</summary>
        Full,
        /// <summary>The write failed; the rows were released for a later retry.</summary>
        Failed,
        /// <summary>Another holder took the rows over while this one worked on them; they are its to finish.</summary>
        LeaseLost,
    }

    /// <summary>Claims and indexes one batch. Public so tests can drive an indexer step by step.</summary>
    public async Task<BatchOutcome> RunOnceAsync(CancellationToken ct)
    {
        if (_status.Availability == SearchAvailability.Unavailable)
        {
            // Being rebuilt: the observers' searches would fail. The rows wait (leased by no one) until the rebuild is
            // swapped in; their changes reach the new index through it, the follower, or this indexer afterwards.
            return BatchOutcome.Empty;
        }
        var entries = await _outbox.ClaimAsync(NodeId, _options.BatchSize, _leases.ExpiryFromNow(), ct);
        if (entries.Count == 0)
        {
            return BatchOutcome.Empty;
        }
        var seqs = entries.Select(e => e.Seq).ToArray();
        await using var lease = _leases.Hold(_outbox, seqs, ct);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, lease.Lost);
        IReadOnlyList<OfferingDocument> documents;
        try
        {
            var offeringIds = entries.Select(e => e.OfferingId).Distinct().ToArray();
            documents = await _offerings.IndexDocumentsAsync(offeringIds, work.Token);
            if (documents.Count < offeringIds.Length)
            {
                _logger.LogWarning("Outbox rows name offerings that are not in the catalog: {Missing}",
                    string.Join(", ", offeringIds.Except(documents.Select(d => d.Id))));
            }
            if (documents.Count > 0)
            {
                await _pipeline.ExecuteAsync(async token =>
                {
                    if (!_indexEnsured)
                    {
                        // Start-up may have found a remote engine down: create the index before the first write.
                        await _index.EnsureCreatedAsync(token);
                        _indexEnsured = true;
                    }
                    await _index.WriteAsync(documents, token);
                }, work.Token);
            }
            // Observers run before the rows are completed: a crash in between re-delivers them (observers are idempotent)
            // rather than losing, say, the re-matching of demand items for a newly published offering.
            await NotifyObserversAsync(documents, work.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: hand the rows back now rather than leaving them leased until the lease expires.
            await _outbox.ReleaseAsync(NodeId, seqs, "interrupted by shutdown", TimeSpan.Zero, CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException) when (lease.IsLost)
        {
            return LeaseLost(seqs);
        }
        catch (Exception e)
        {
            var attempts = entries.Max(x => x.Attempts) + 1;
            var retryAfter = Backoff(attempts);
            _logger.LogError(e, "Indexing {Count} outbox rows (seq {First}..{Last}) failed on node {Node}, attempt {Attempts}; retrying in {RetryAfter}",
                entries.Count, seqs[0], seqs[^1], NodeId, attempts, retryAfter);
            await _outbox.ReleaseAsync(NodeId, seqs, $"{e.GetType().Name}: {e.Message}", retryAfter, CancellationToken.None);
            return BatchOutcome.Failed;
        }
        var completed = await _outbox.CompleteAsync(NodeId, seqs, CancellationToken.None);
        if (completed < seqs.Length)
        {
            return LeaseLost(seqs);
        }
        _logger.LogDebug("Indexed {Documents} documents from {Rows} outbox rows on node {Node}", documents.Count, entries.Count, NodeId);
        return entries.Count >= _options.BatchSize ? BatchOutcome.Full : BatchOutcome.Drained;
    }

    private BatchOutcome LeaseLost(long[] seqs)
    {
        // Harmless: the index keeps the highest version whoever writes it; the new holder marks the rows done.
        _logger.LogWarning("Outbox rows seq {First}..{Last} were taken over by another node while {Node} worked on them; left to it", seqs[0], seqs[^1], NodeId);
        return BatchOutcome.LeaseLost;
    }

    private async Task NotifyObserversAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return;
        }
        await using var scope = _scopes.CreateAsyncScope();
        foreach (var observer in scope.ServiceProvider.GetServices<IOfferingIndexObserver>())
        {
            try
            {
                await observer.OnIndexedAsync(documents, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                _logger.LogError(e, "Index observer {Observer} failed for {Count} documents; the index itself is up to date", observer.GetType().Name, documents.Count);
            }
        }
    }

    private async Task CleanupIfDueAsync(CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (now < _nextCleanup)
        {
            return;
        }
        _nextCleanup = now + CleanupEvery;
        var deleted = await _outbox.PurgeProcessedAsync(now - _options.RetainProcessed, ct);
        if (deleted > 0)
        {
            _logger.LogInformation("Deleted {Count} processed search outbox rows older than {Retain}", deleted, _options.RetainProcessed);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 20);
        var delay = TimeSpan.FromTicks(Math.Min(_options.MaxBackoff.Ticks, _options.InitialBackoff.Ticks * (1L << exponent)));
        return delay < _options.MaxBackoff ? delay : _options.MaxBackoff;
    }
}
