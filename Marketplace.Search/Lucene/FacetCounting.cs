using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Counts the values of every facet (<see cref="FacetNames.All"/>) of collected documents. Documents are only noted
/// while collecting (as a bit set per segment); at the end of each segment every facet is counted in one tight pass into
/// arrays indexed by ordinal (<see cref="FacetOrdinals"/>), resolved to strings once per segment.
/// </summary>
internal sealed class FacetCounter
{
    private static readonly IReadOnlyList<string> Fields = FacetNames.All;
    private readonly Dictionary<string, long>[] _totals = Fields.Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
    private readonly DocList[] _only = Fields.Select(_ => new DocList()).ToArray();
    private AtomicReader? _reader;

    /// <summary>The segment's documents counted for every facet, as bit set words (pooled), and how many.</summary>
    private long[] _all = [];
    private long _allCount;

    public void SetNextReader(AtomicReaderContext context)
    {
        Flush();
        _reader = context.AtomicReader;
        var words = (_reader.MaxDoc + 63) >> 6;
        _all = ArrayPool<long>.Shared.Rent(words);
        Array.Clear(_all, 0, words);
    }

    /// <summary>Counts the document for every facet.</summary>
    public void CollectAll(int doc)
    {
        _all[doc >> 6] |= 1L << doc;
        _allCount++;
    }

    /// <summary>Counts the documents of bit set word <paramref name="word"/> (documents 64 · word + bit) for every facet.</summary>
    public void CollectAll(int word, long bits)
    {
        _all[word] |= bits;
        _allCount += BitOperations.PopCount((ulong)bits);
    }

    /// <summary>Counts the document for the facet at <paramref name="facet"/> in <see cref="FacetNames.All"/> only.</summary>
    public void Collect(int facet, int doc) => _only[facet].Add(doc);

    /// <summary>The counts, most frequent first, then by value.</summary>
    public IReadOnlyList<FacetCount> Result(string facet)
    {
        Flush();
        return _totals[FacetIndex.Of(facet)]
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new FacetCount(p.Key, p.Value))
            .ToArray();
    }

    private void Flush()
    {
        if (_reader is null)
        {
            return;
        }
        var maxDoc = _reader.MaxDoc;
        var words = (maxDoc + 63) >> 6;
        for (var i = 0; i < Fields.Count; i++)
        {
            if (FacetOrdinals.For(_reader, Fields[i]) is not { } segment)
            {
                continue;
            }
            var counts = new int[segment.Values.Length];
            // Value by value (a word-wise AND and count per value) or document by document (each document's
            // ordinals), whichever visits less: few values and many documents, or the reverse.
            var byValue = (long)segment.Values.Length * words;
            var byDocument = _allCount * Math.Max(1, segment.Ordinals.Length / Math.Max(1, maxDoc)) * 4;
            if (byValue < byDocument)
            {
                CountByValue(segment, _all, words, counts);
            }
            else if (_allCount > 0)
            {
                CountByDocument(segment, _all, words, counts);
            }
            Count(segment, _only[i], counts);
            for (var ord = 0; ord < counts.Length; ord++)
            {
                if (counts[ord] > 0)
                {
                    var key = segment.Values[ord];
                    _totals[i][key] = _totals[i].GetValueOrDefault(key) + counts[ord];
                }
            }
            _only[i].Clear();
        }
        ArrayPool<long>.Shared.Return(_all);
        _all = [];
        _allCount = 0;
        _reader = null;
    }

    /// <summary>
    /// Counts value by value: the documents as a bit set, intersected with each value's bit set
    /// (<see cref="FacetOrdinals.ValueBits"/>) — sequential word operations whatever the number of documents.
    /// </summary>
    private static void CountByValue(FacetOrdinals segment, long[] matched, int words, int[] counts)
    {
        var values = segment.ValueBits;
        for (var ord = 0; ord < counts.Length; ord++)
        {
            var value = values[ord];
            var count = 0;
            for (var w = 0; w < words; w++)
            {
                count += BitOperations.PopCount((ulong)(matched[w] & value[w]));
            }
            counts[ord] += count;
        }
    }

    /// <summary>Counts document by document: each set bit's ordinals.</summary>
    private static void CountByDocument(FacetOrdinals segment, long[] matched, int words, int[] counts)
    {
        var ordinals = segment.Ordinals;
        var starts = segment.Starts;
        for (var w = 0; w < words; w++)
        {
            var bits = matched[w];
            while (bits != 0)
            {
                var doc = (w << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (segment.IsSingleValued)
                {
                    counts[ordinals[doc]]++;
                    continue;
                }
                for (int k = starts[doc], end = starts[doc + 1]; k < end; k++)
                {
                    counts[ordinals[k]]++;
                }
            }
        }
    }

    private static void Count(FacetOrdinals segment, DocList docs, int[] counts)
    {
        var ordinals = segment.Ordinals;
        var list = docs.Items;
        if (segment.IsSingleValued)
        {
            for (var i = 0; i < docs.Count; i++)
            {
                counts[ordinals[list[i]]]++;
            }
            return;
        }
        var starts = segment.Starts;
        for (var i = 0; i < docs.Count; i++)
        {
            var doc = list[i];
            for (int k = starts[doc], end = starts[doc + 1]; k < end; k++)
            {
                counts[ordinals[k]]++;
            }
        }
    }

    /// <summary>A growable list of document numbers on pooled arrays (a broad search notes most of the index).</summary>
    private sealed class DocList
    {
        public int[] Items { get; private set; } = [];

        public int Count { get; private set; }

        public void Add(int doc)
        {
            if (Count == Items.Length)
            {
                var larger = ArrayPool<int>.Shared.Rent(Math.Max(1_024, Items.Length * 2));
                Items.AsSpan(0, Count).CopyTo(larger);
                Release();
                Items = larger;
            }
            Items[Count++] = doc;
        }

        /// <summary>Empties the list and gives its array back to the pool.</summary>
        public void Clear()
        {
            Release();
            Items = [];
            Count = 0;
        }

        private void Release()
        {
            if (Items.Length > 0)
            {
                ArrayPool<int>.Shared.Return(Items);
            }
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
