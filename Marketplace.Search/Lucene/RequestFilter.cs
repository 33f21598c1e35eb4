using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>A segment's filter bits for one request: what the query may visit, and per facet filter who passes it.</summary>
internal sealed class SegmentFilter(FixedBitSet accepted, FixedBitSet passing, FixedBitSet[] passes)
{
    /// <summary>
    /// Live documents within the price and days bounds that pass every facet filter or, when the
    /// facets are counted sideways, every facet filter but at most one.
    /// </summary>
    public FixedBitSet Accepted { get; } = accepted;

    /// <summary>The accepted documents that pass every filter: those that may be results (the same set unless counting sideways).</summary>
    public FixedBitSet Passing { get; } = passing;

    /// <summary>Documents passing each facet filter, in <see cref="SearchFilters.FacetFilters"/> order.</summary>
    public FixedBitSet[] Passes { get; } = passes;
}

/// <summary>
/// All of a request's filters (and deletions) as one random-access bit set per segment, built from cached per-segment
/// bit sets (live documents, one per facet value) and sort-key arrays (price, days): the query only
/// visits accepted documents, and is run once however many facets are filtered ("drill sideways":
/// a document missing exactly one facet filter is visited and counted for that facet only).
/// </summary>
internal sealed class RequestFilter(SearchFilters filters, bool sideways)
{
    private AtomicReaderContext? _context;
    private SegmentFilter? _segment;

    /// <summary>Whether documents missing one facet filter are accepted too (to count that facet).</summary>
    public bool Sideways { get; } = sideways && filters.FacetFilters.Count > 0;

    public SearchFilters Filters => filters;

    /// <summary>The filter bits of a segment, computed once per request and segment (searches visit segments in turn on one thread).</summary>
    public SegmentFilter For(AtomicReaderContext context)
    {
        if (!ReferenceEquals(_context, context))
        {
            _segment = Compute(context.AtomicReader);
            _context = context;
        }
        return _segment!;
    }

    private SegmentFilter Compute(AtomicReader reader)
    {
        if (filters.MaxPriceYuan is null && filters.MaxDays is null && filters.FacetFilters.Count == 0)
        {
            var live = FilterKeys.LiveAndNotDeleted(reader); // shared: only read
            return new SegmentFilter(live, live, []);
        }
        var accepted = FilterKeys.LiveAndNotDeleted(reader).Clone();
        var words = accepted.GetBits();
        var maxDoc = reader.MaxDoc;
        if (filters.MaxPriceYuan is { } maxPrice)
        {
            var prices = SortKeys.For(reader).PriceMin;
            for (var doc = 0; doc < maxDoc; doc++)
            {
                if (prices[doc] > maxPrice)
                {
                    words[doc >> 6] &= ~(1L << doc);
                }
            }
        }
        if (filters.MaxDays is { } maxDays)
        {
            var days = FilterKeys.Days(reader);
            for (var doc = 0; doc < maxDoc; doc++)
            {
                if (days[doc] > maxDays)
                {
                    words[doc >> 6] &= ~(1L << doc);
                }
            }
        }

        var facetFilters = filters.FacetFilters;
        var passes = new FixedBitSet[facetFilters.Count];
        for (var i = 0; i < passes.Length; i++)
        {
            passes[i] = FilterKeys.AnyOf(reader, facetFilters[i].Facet, facetFilters[i].Values);
        }
        if (!Sideways)
        {
            foreach (var pass in passes)
            {
                accepted.And(pass);
            }
            return new SegmentFilter(accepted, accepted, passes);
        }

        // Keep documents missing at most one facet filter: "twice" collects the words' bits missed by two or more.
        var passWords = passes.Select(p => p.GetBits()).ToArray();
        for (var w = 0; w < words.Length; w++)
        {
            long once = 0, twice = 0;
            foreach (var pass in passWords)
            {
                var missed = ~pass[w];
                twice |= once & missed;
                once |= missed;
            }
            words[w] &= ~twice;
        }
        var passing = accepted.Clone();
        foreach (var pass in passes)
        {
            passing.And(pass);
        }
        return new SegmentFilter(accepted, passing, passes);
    }
}

/// <summary>Per-segment filter material, cached for the life of the segment core (deletions are applied by the searcher's accepted documents).</summary>
internal static class FilterKeys
{
    private const int MaxCachedTermsPerSegment = 4_096;
    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<(string Field, string Value), FixedBitSet>> TermCache = new();
    private static readonly ConditionalWeakTable<object, int[]> DaysCache = new();
    private static readonly ConditionalWeakTable<object, FixedBitSet> LiveCache = new();

    /// <summary>The segment's live offerings minus its deleted documents (cached per core and deletions); shared, never to be modified.</summary>
    public static FixedBitSet LiveAndNotDeleted(AtomicReader reader) => LiveCache.GetValue(reader.CombinedCoreAndDeletesKey, _ =>
    {
        var live = LiveOnlyFilter.LiveBits(reader);
        if (reader.LiveDocs is not { } notDeleted)
        {
            return live;
        }
        var bits = live.Clone();
        for (var doc = 0; doc < reader.MaxDoc; doc++)
        {
            if (!notDeleted.Get(doc))
            {
                bits.Clear(doc);
            }
        }
        return bits;
    });

    /// <summary>Documents with any of the values in the field (indexed as whole terms), as a new bit set.</summary>
    public static FixedBitSet AnyOf(AtomicReader reader, string field, string[] values)
    {
        if (values.Length == 1)
        {
            return Term(reader, field, values[0]).Clone();
        }
        var union = new FixedBitSet(reader.MaxDoc);
        foreach (var value in values)
        {
            union.Or(Term(reader, field, value));
        }
        return union;
    }

    /// <summary>Implementation days per document (0 for tombstones), from the indexed numeric field.</summary>
    public static int[] Days(AtomicReader reader) => DaysCache.GetValue(reader.CoreCacheKey, _ =>
    {
        var days = new int[reader.MaxDoc];
        var values = FieldCache.DEFAULT.GetInt32s(reader, OfferingFields.Days, FieldCache.NUMERIC_UTILS_INT32_PARSER, false);
        for (var doc = 0; doc < days.Length; doc++)
        {
            days[doc] = values.Get(doc);
        }
        return days;
    });

    /// <summary>Documents holding one term; shared and cached, never to be modified.</summary>
    public static FixedBitSet Term(AtomicReader reader, string field, string value)
    {
        var cache = TermCache.GetValue(reader.CoreCacheKey, _ => new ConcurrentDictionary<(string, string), FixedBitSet>());
        if (cache.TryGetValue((field, value), out var cached))
        {
            return cached;
        }
        var bits = new FixedBitSet(reader.MaxDoc);
        var terms = reader.Fields?.GetTerms(field)?.GetEnumerator();
        if (terms is not null && terms.SeekExact(new BytesRef(value)))
        {
            var docs = terms.Docs(null, null, DocsFlags.NONE);
            int doc;
            while ((doc = docs.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
            {
                bits.Set(doc);
            }
            if (cache.Count < MaxCachedTermsPerSegment)
            {
                cache.TryAdd((field, value), bits); // only terms that exist: user-typed unknown values do not fill the cache
            }
        }
        return bits;
    }
}

/// <summary>
/// The one pass of a text search (<see cref="TextScorer"/>): every matched document passing every filter counts and
/// goes to every facet, one missing exactly one facet filter (accepted only when counting sideways) to that facet only;
/// the top hits see the scored documents that may enter them.
/// </summary>
internal sealed class TextSearchCollector(TopHitsCollector top, FacetCounter? counter, RequestFilter filter) : ITextHits
{
    private readonly int[] _facetOfFilter = filter.Filters.FacetFilters.Select(f => FacetIndex.Of(f.Facet)).ToArray();
    private SegmentFilter? _segment;

    public float MinCompetitiveScore => top.MinCompetitiveScore;

    public void SetSegment(AtomicReaderContext segment)
    {
        top.SetNextReader(segment);
        counter?.SetNextReader(segment);
        _segment = filter.For(segment);
    }

    public void Matched(int windowStart, ReadOnlySpan<long> words)
    {
        var passing = _segment!.Passing.GetBits();
        var first = windowStart >> 6;
        for (var w = 0; w < words.Length; w++)
        {
            var bits = words[w];
            if (bits == 0)
            {
                continue;
            }
            var all = bits & passing[first + w];
            top.CountMatches(BitOperations.PopCount((ulong)all));
            counter?.CollectAll(first + w, all);
            var sideways = bits & ~passing[first + w];
            while (sideways != 0)
            {
                var doc = ((first + w) << 6) + BitOperations.TrailingZeroCount(sideways);
                sideways &= sideways - 1;
                var passes = _segment.Passes;
                for (var i = 0; i < passes.Length; i++)
                {
                    if (!passes[i].Get(doc))
                    {
                        counter!.Collect(_facetOfFilter[i], doc); // the only filter it misses
                        break;
                    }
                }
            }
        }
    }

    public void Collect(int doc, float score) => top.Collect(doc, score);
}

/// <summary>
/// The one pass of a search: documents passing every filter go to the top hits and every facet;
/// documents missing exactly one facet filter (accepted only when counting sideways) count for that facet only.
/// </summary>
internal sealed class SearchCollector(TopHitsCollector top, FacetCounter? counter, RequestFilter filter) : ICollector
{
    private readonly int[] _facetOfFilter = filter.Filters.FacetFilters.Select(f => FacetIndex.Of(f.Facet)).ToArray();
    private FixedBitSet[] _passes = [];

    public bool AcceptsDocsOutOfOrder => top.AcceptsDocsOutOfOrder;

    public void SetScorer(Scorer scorer) => top.SetScorer(scorer);

    public void SetNextReader(AtomicReaderContext context)
    {
        top.SetNextReader(context);
        counter?.SetNextReader(context);
        _passes = filter.Sideways ? filter.For(context).Passes : [];
    }

    public void Collect(int doc)
    {
        var passes = _passes;
        for (var i = 0; i < passes.Length; i++)
        {
            if (!passes[i].Get(doc))
            {
                counter!.Collect(_facetOfFilter[i], doc); // the only filter it misses
                return;
            }
        }
        top.Collect(doc);
        counter?.CollectAll(doc);
    }
}

/// <summary>Positions in <see cref="FacetNames.All"/>.</summary>
internal static class FacetIndex
{
    public static int Of(string facet)
    {
        for (var i = 0; i < FacetNames.All.Count; i++)
        {
            if (FacetNames.All[i] == facet)
            {
                return i;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(facet), facet, "Not a facet.");
    }
}
