using Marketplace.Core.Searching;
using Marketplace.Search.Resilience;

namespace Marketplace.Search.Indexing;

public enum SearchAvailability
{
    /// <summary>The index reflects the database (up to the outbox's usual delay).</summary>
    Ready,

    /// <summary>An older intact copy of a damaged index answers searches while a rebuild repairs it: results may lack recent changes.</summary>
    ServingOlderCopy,

    /// <summary>Searches answer 503 until the rebuild from the database is swapped in.</summary>
    Unavailable,
}

/// <summary>
/// What this node's search index can do now and why: set at start-up from how the index was found (see
/// <see cref="SearchIndexStartup"/>), back to <see cref="SearchAvailability.Ready"/> when a rebuild is swapped in.
/// </summary>
public sealed class SearchIndexStatus(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private State _state = new(SearchAvailability.Ready, null, null, null);

    private sealed record State(SearchAvailability Availability, string? Reason, DateTimeOffset? Since, Guid? RepairJobId);

    public SearchAvailability Availability => _state.Availability;

    /// <summary>Why the index is not ready (in English, for logs and the health report).</summary>
    public string? Reason => _state.Reason;

    public DateTimeOffset? Since => _state.Since;

    /// <summary>The rebuild job repairing the index, once queued.</summary>
    public Guid? RepairJobId => _state.RepairJobId;

    public void AwaitRepair(SearchAvailability availability, string reason)
    {
        lock (_lock)
        {
            _state = new State(availability, reason, clock.GetUtcNow(), null);
        }
    }

    public void RepairQueued(Guid jobId)
    {
        lock (_lock)
        {
            if (_state.Availability != SearchAvailability.Ready)
            {
                _state = _state with { RepairJobId = jobId };
            }
        }
    }

    /// <summary>A rebuild from the database was swapped in.</summary>
    public void Repaired()
    {
        lock (_lock)
        {
            _state = new State(SearchAvailability.Ready, null, null, null);
        }
    }

    public void ThrowIfUnavailable()
    {
        if (_state.Availability == SearchAvailability.Unavailable)
        {
            throw new SearchIndexUnavailableException(
                "搜索索引正在从数据库重建，请稍后重试 (the search index is being rebuilt from the database" +
                (_state.Reason is null ? "" : $" because {_state.Reason}") + "; retry shortly — publishing is not affected).");
        }
    }
}

/// <summary>
/// The configured engine behind <see cref="IOfferingIndex"/>, answering <see cref="SearchIndexUnavailableException"/>
/// (503) to searches while <see cref="SearchIndexStatus"/> says the index is unavailable or when the engine fails
/// transiently (no answer, 408, 429, 5xx); everything else passes through.
/// </summary>
public sealed class AvailabilityGatedIndex(IOfferingIndex engine, SearchIndexStatus status) : IOfferingIndex
{
    public IOfferingIndex Engine => engine;

    public Task<IndexOpening> EnsureCreatedAsync(CancellationToken ct) => engine.EnsureCreatedAsync(ct);

    public Task WriteAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct) => engine.WriteAsync(documents, ct);

    public async Task<OfferingSearchResult> SearchAsync(OfferingSearchRequest request, CancellationToken ct)
    {
        status.ThrowIfUnavailable();
        try
        {
            return await engine.SearchAsync(request, ct);
        }
        catch (Exception e) when (SearchResilience.IsTransient(e) && !ct.IsCancellationRequested)
        {
            // Every caller (search, matching a demand list, a diagnosis report's list) answers 503, not 500.
            throw new SearchIndexUnavailableException("搜索引擎暂时无法访问，请稍后重试 (the search engine is unreachable; retry shortly).", e);
        }
    }

    public Task<IIndexRebuild> BeginRebuildAsync(CancellationToken ct) => engine.BeginRebuildAsync(ct);

    public Task<bool> IsHealthyAsync(CancellationToken ct) => engine.IsHealthyAsync(ct);

    public Task<IReadOnlyDictionary<Guid, IndexedVersion>> ReadVersionsAsync(CancellationToken ct) => engine.ReadVersionsAsync(ct);
}
