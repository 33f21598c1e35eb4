using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Counts the values of every facet (<see cref="FacetNames.All"/>) of collected documents: per segment
/// into arrays indexed by ordinal (<see cref="FacetOrdinals"/>), resolved to strings once per segment.
/// </summary>
internal sealed class FacetCounter
{
    private static readonly IReadOnlyList<string> Fields = FacetNames.All;
    private readonly Dictionary<string, long>[] _totals = Fields.Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
    private readonly FacetOrdinals?[] _segment = new FacetOrdinals?[Fields.Count];
    private readonly int[]?[] _counts = new int[Fields.Count][];

    public void SetNextReader(AtomicReaderContext context)
    {
        Flush();
        for (var i = 0; i < Fields.Count; i++)
        {
            var ordinals = FacetOrdinals.For(context.AtomicReader, Fields[i]);
            _segment[i] = ordinals;
            _counts[i] = ordinals is null ? null : new int[ordinals.Values.Length];
        }
    }

    /// <summary>Counts the document for every facet.</summary>
    public void CollectAll(int doc)
    {
        for (var i = 0; i < _segment.Length; i++)
        {
            Collect(i, doc);
        }
    }

    /// <summary>Counts the document for the facet at <paramref name="facet"/> in <see cref="FacetNames.All"/>.</summary>
    public void Collect(int facet, int doc)
    {
        if (_segment[facet] is not { } segment)
        {
            return;
        }
        var counts = _counts[facet]!;
        var ordinals = segment.Ordinals;
        if (segment.IsSingleValued)
        {
            counts[ordinals[doc]]++;
            return;
        }
        var starts = segment.Starts;
        for (int k = starts[doc], end = starts[doc + 1]; k < end; k++)
        {
            counts[ordinals[k]]++;
        }
    }

    /// <summary>The counts, most frequent first, then by value.</summary>
    public IReadOnlyList<FacetCount> Result(string facet)
    {
        Flush();
        var i = IndexOf(facet);
        return _totals[i]
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new FacetCount(p.Key, p.Value))
            .ToArray();
    }

    private static int IndexOf(string facet)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (Fields[i] == facet)
            {
                return i;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(facet), facet, "Not a facet.");
    }

    private void Flush()
    {
        for (var i = 0; i < _segment.Length; i++)
        {
            if (_segment[i] is not { } segment || _counts[i] is not { } counts)
            {
                continue;
            }
            for (var ord = 0; ord < counts.Length; ord++)
            {
                if (counts[ord] > 0)
                {
                    var key = segment.Values[ord];
                    _totals[i][key] = _totals[i].GetValueOrDefault(key) + counts[ord];
                }
            }
            _segment[i] = null;
            _counts[i] = null;
        }
    }
}

/// <summary>
/// Facet counts of blank-text searches (every live offering, under some filters), per searcher's
/// reader: a reader never changes, and a new one (after a write) starts empty.
/// </summary>
internal static class BrowseFacets
{
    private const int MaxEntriesPerReader = 1_024;
    private static readonly ConditionalWeakTable<IndexReader, ConcurrentDictionary<string, KeyValuePair<string, IReadOnlyList<FacetCount>>[]>> Cache = new();

    public static KeyValuePair<string, IReadOnlyList<FacetCount>>[]? Get(IndexReader reader, string filters) =>
        Cache.TryGetValue(reader, out var entries) && entries.TryGetValue(filters, out var facets) ? facets : null;

    public static void Add(IndexReader reader, string filters, KeyValuePair<string, IReadOnlyList<FacetCount>>[] facets)
    {
        var entries = Cache.GetValue(reader, _ => new ConcurrentDictionary<string, KeyValuePair<string, IReadOnlyList<FacetCount>>[]>(StringComparer.Ordinal));
        if (entries.Count < MaxEntriesPerReader)
        {
            entries.TryAdd(filters, facets);
        }
    }
}
