namespace Marketplace.Core.Searching;

/// <summary>
/// The search-index port. Engines: Lucene.Net (embedded default) and Elasticsearch.
/// Writes are idempotent and version-guarded: a document is only written when its
/// <see cref="OfferingDocument.Version"/> is higher than the one already indexed.
/// </summary>
public interface IOfferingIndex
{
    /// <summary>
    /// Opens the index, creating it (or the alias) when missing; says how it was found. An engine whose index is damaged
    /// does not fail: it serves an older intact copy or an empty index, and says so (the caller then rebuilds it).
    /// Called at start-up.
    /// </summary>
    Task<IndexOpening> EnsureCreatedAsync(CancellationToken ct);

    /// <summary>Upserts live documents and tombstones (Live = false), skipping stale versions.</summary>
    Task WriteAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct);

    Task<OfferingSearchResult> SearchAsync(OfferingSearchRequest request, CancellationToken ct);

    /// <summary>Starts a rebuild into a new physical index; the live one keeps serving until <see cref="IIndexRebuild.SwapAsync"/>.</summary>
    Task<IIndexRebuild> BeginRebuildAsync(CancellationToken ct);

    Task<bool> IsHealthyAsync(CancellationToken ct);

    /// <summary>
    /// Every document in the index — live ones and tombstones — with its version: what a reconciliation compares with the
    /// database. Read from the current state (writes since the last refresh may be missing).
    /// </summary>
    Task<IReadOnlyDictionary<Guid, IndexedVersion>> ReadVersionsAsync(CancellationToken ct);
}

/// <summary>How <see cref="IOfferingIndex.EnsureCreatedAsync"/> found the index.</summary>
public enum IndexOpening
{
    /// <summary>It was there and intact.</summary>
    Existing,

    /// <summary>There was none: an empty one was created (a new installation, or an index folder or alias that was removed).</summary>
    Created,

    /// <summary>The current index was damaged; an older intact copy is served, which may lack recent changes.</summary>
    Recovered,

    /// <summary>The index was damaged and nothing intact was left: an empty one took its place.</summary>
    Replaced,

    /// <summary>
    /// It was there but made for another mapping or document layout (an older version of the application): it answers
    /// searches as it is until a rebuild replaces it.
    /// </summary>
    Outdated,
}

/// <summary>An indexed document's version, and whether it is a live offering or a tombstone.</summary>
public readonly record struct IndexedVersion(long Version, bool Live);

/// <summary>
/// The index cannot answer searches now: it is being rebuilt from the database after it was found damaged or missing, or
/// the engine does not answer (the cause is the inner exception). Maps to 503 with Retry-After.
/// </summary>
public sealed class SearchIndexUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

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

    /// <summary>A cursor that does not decode as one this service issues (either engine).</summary>
    public static InvalidSearchRequestException ForeignCursor() =>
        new("cursor", "cursor 无效，请原样传回上一页的 nextCursor (the cursor is not one this service issued; pass a previous page's nextCursor unchanged).");

    /// <summary>A cursor of a search with other text or filters: it continues that search only.</summary>
    public static InvalidSearchRequestException CursorOfOtherQuery() =>
        new("cursor", "cursor 来自另一组查询条件（q 或筛选条件不同），请去掉 cursor 从第一页开始 (the cursor was issued for another query or other filters; start again without it).");

    /// <summary>A cursor of a search in another order: it continues that order only.</summary>
    public static InvalidSearchRequestException CursorOfOtherSort(SearchSort issued, SearchSort asked) =>
        new("cursor", $"cursor 来自 sort={SearchSorts.Code(issued)} 的搜索，本次 sort={SearchSorts.Code(asked)} (the cursor was issued for sort={SearchSorts.Code(issued)}, not sort={SearchSorts.Code(asked)}).");
}
