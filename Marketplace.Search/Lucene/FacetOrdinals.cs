using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// A segment's facet values for one field as plain arrays (document → ordinals, ordinal → value),
/// read once from its sorted-set doc values. Segments never change their doc values, so the arrays
/// live as long as the segment core (weakly keyed) and counting is array arithmetic.
/// </summary>
internal sealed class FacetOrdinals
{
    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<string, FacetOrdinals?>> Cache = new();

    private FacetOrdinals(int[] starts, int[] ordinals, string[] values)
    {
        Starts = starts;
        Ordinals = ordinals;
        Values = values;
        var single = true;
        for (var doc = 0; doc + 1 < starts.Length && single; doc++)
        {
            single = starts[doc + 1] - starts[doc] == 1;
        }
        IsSingleValued = single;
    }

    /// <summary>Every document has exactly one value: its ordinal is <c>Ordinals[doc]</c>.</summary>
    public bool IsSingleValued { get; }

    /// <summary>Ordinals of document d are <c>Ordinals[Starts[d]..Starts[d + 1]]</c>.</summary>
    public int[] Starts { get; }

    public int[] Ordinals { get; }

    public string[] Values { get; }

    /// <summary>Per ordinal, the documents holding it as bit set words (built on first use).</summary>
    public long[][] ValueBits => LazyInitializer.EnsureInitialized(ref _valueBits, BuildValueBits);

    private long[][]? _valueBits;

    private long[][] BuildValueBits()
    {
        var maxDoc = Starts.Length - 1;
        var bits = new long[Values.Length][];
        for (var ord = 0; ord < bits.Length; ord++)
        {
            bits[ord] = new long[(maxDoc + 63) >> 6];
        }
        for (var doc = 0; doc < maxDoc; doc++)
        {
            for (var k = Starts[doc]; k < Starts[doc + 1]; k++)
            {
                bits[Ordinals[k]][doc >> 6] |= 1L << doc;
            }
        }
        return bits;
    }

    public static FacetOrdinals? For(AtomicReader reader, string field) =>
        Cache.GetValue(reader.CoreCacheKey, _ => new ConcurrentDictionary<string, FacetOrdinals?>(StringComparer.Ordinal))
            .GetOrAdd(field, f => Read(reader, f));

    private static FacetOrdinals? Read(AtomicReader reader, string field)
    {
        var docValues = reader.GetSortedSetDocValues(field);
        if (docValues is null)
        {
            return null;
        }
        var values = new string[docValues.ValueCount];
        var bytes = new BytesRef();
        for (var ord = 0; ord < values.Length; ord++)
        {
            docValues.LookupOrd(ord, bytes);
            values[ord] = bytes.Utf8ToString();
        }
        var starts = new int[reader.MaxDoc + 1];
        var ordinals = new List<int>(reader.MaxDoc);
        for (var doc = 0; doc < reader.MaxDoc; doc++)
        {
            starts[doc] = ordinals.Count;
            docValues.SetDocument(doc);
            long ord;
            while ((ord = docValues.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS)
            {
                ordinals.Add((int)ord);
            }
        }
        starts[reader.MaxDoc] = ordinals.Count;
        return new FacetOrdinals(starts, ordinals.ToArray(), values);
    }
}

/// <summary>Reads the facet and sort-key arrays of new segments when a searcher opens, not during the first search.</summary>
internal sealed class FacetWarmingSearcherFactory : SearcherFactory
{
    public override IndexSearcher NewSearcher(IndexReader reader)
    {
        foreach (var leaf in reader.Leaves)
        {
            SortKeys.For(leaf.AtomicReader);
            foreach (var field in FacetNames.All)
            {
                _ = FacetOrdinals.For(leaf.AtomicReader, field)?.ValueBits;
            }
        }
        return new StatisticsCachingSearcher(reader);
    }
}

/// <summary>
/// A searcher ranking with <see cref="OfferingSimilarity"/> (BM25) that remembers each field's collection statistics: its reader never changes, and
/// every clause of every query asks for them (each time merging the statistics of all segments).
/// </summary>
internal sealed class StatisticsCachingSearcher : IndexSearcher
{
    public StatisticsCachingSearcher(IndexReader reader)
        : base(reader)
    {
        Similarity = OfferingSimilarity.Instance;
    }

    private readonly ConcurrentDictionary<string, CollectionStatistics> _statistics = new(StringComparer.Ordinal);

    public override CollectionStatistics CollectionStatistics(string field) =>
        _statistics.TryGetValue(field, out var cached) ? cached : _statistics.GetOrAdd(field, base.CollectionStatistics(field));
}
