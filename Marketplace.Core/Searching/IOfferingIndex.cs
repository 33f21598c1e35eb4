namespace Marketplace.Core.Searching;

/// <summary>
/// The search-index port. Engines: Lucene.Net (embedded default) and Elasticsearch.
/// Writes are idempotent and version-guarded: a document is only written when its
/// <see cref="OfferingDocument.Version"/> is higher than the one already indexed.
/// </summary>
public interface IOfferingIndex
{
    /// <summary>Creates the index (or alias) when missing. Called once at start-up.</summary>
    Task EnsureCreatedAsync(CancellationToken ct);

    /// <summary>Upserts live documents and tombstones (Live = false), skipping stale versions.</summary>
    Task WriteAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct);

    Task<OfferingSearchResult> SearchAsync(OfferingSearchRequest request, CancellationToken ct);

    /// <summary>Starts a rebuild into a new physical index; the live one keeps serving until <see cref="IIndexRebuild.SwapAsync"/>.</summary>
    Task<IIndexRebuild> BeginRebuildAsync(CancellationToken ct);

    Task<bool> IsHealthyAsync(CancellationToken ct);
}

public interface IIndexRebuild : IAsyncDisposable
{
    Task AddAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct);

    /// <summary>Makes the new index the live one and drops the old.</summary>
    Task SwapAsync(CancellationToken ct);
}

/// <summary>Thrown by an engine for a query it cannot run (e.g. a malformed cursor); maps to 400.</summary>
public sealed class InvalidSearchRequestException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
