using System.Collections.Concurrent;
using System.Text.Json;
using Lucene.Net.Index;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Answers of one index reader, keyed by the whole request. A reader never changes, so an entry can't go stale:
/// the first search on a newer reader (after any write or swap) replaces the cache.
/// </summary>
internal sealed class SearchResultCache
{
    public static readonly SearchResultCache Empty = new(null, 0);

    private readonly IndexReader? _reader;
    private readonly int _capacity;
    private readonly ConcurrentDictionary<string, OfferingSearchResult> _entries = new(StringComparer.Ordinal);

    private SearchResultCache(IndexReader? reader, int capacity)
    {
        _reader = reader;
        _capacity = capacity;
    }

    /// <summary>This cache when it belongs to <paramref name="reader"/>, otherwise a new empty one for it.</summary>
    public SearchResultCache For(IndexReader reader, int capacity) =>
        ReferenceEquals(_reader, reader) ? this : new SearchResultCache(reader, capacity);

    public OfferingSearchResult GetOrAdd(OfferingSearchRequest request, Func<OfferingSearchRequest, OfferingSearchResult> search)
    {
        var key = JsonSerializer.Serialize(request);
        if (_entries.TryGetValue(key, out var cached))
        {
            return cached;
        }
        var result = search(request);
        if (_entries.Count < _capacity)
        {
            _entries.TryAdd(key, result);
        }
        return result;
    }
}
