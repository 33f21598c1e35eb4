using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>A segment's sort keys as arrays, read once per segment core from numeric doc values.</summary>
internal sealed class SortKeys
{
    private static readonly ConditionalWeakTable<object, SortKeys> Cache = new();

    private SortKeys(AtomicReader reader)
    {
        IdHash = Read(reader, OfferingFields.IdHash);
        PriceMin = Read(reader, OfferingFields.PriceMin);
        Published = Read(reader, OfferingFields.Published);
    }

    public long[] IdHash { get; }

    public long[] PriceMin { get; }

    public long[] Published { get; }

    public static SortKeys For(AtomicReader reader) => Cache.GetValue(reader.CoreCacheKey, _ => new SortKeys(reader));

    private static long[] Read(AtomicReader reader, string field)
    {
        var values = new long[reader.MaxDoc];
        if (reader.GetNumericDocValues(field) is { } docValues)
        {
            for (var doc = 0; doc < values.Length; doc++)
            {
                values[doc] = docValues.Get(doc);
            }
        }
        return values;
    }
}

/// <summary>A collected hit: its score, its sort key (price or publication time), its id hash and global doc id.</summary>
internal readonly record struct RankedHit(float Score, long Key, long IdHash, int Doc);

/// <summary>
/// Keeps the best <c>size</c> hits in the requested order, ties always broken by the id hash
/// (then the doc id, only for a 64-bit hash collision). With a cursor, keeps only hits after it.
/// Counts every match. Reads sort keys from <see cref="SortKeys"/> arrays: no per-document virtual calls.
/// </summary>
internal sealed class TopHitsCollector : ICollector
{
    private readonly SearchSort _sort;
    private readonly int _size;
    private readonly SearchCursor? _after;
    private readonly PriorityQueue<RankedHit, RankedHit> _worstFirst;
    private readonly IComparer<RankedHit> _order;
    private Scorer? _scorer;
    private SortKeys? _keys;
    private long[]? _sortKey;
    private int _docBase;

    public TopHitsCollector(SearchSort sort, int size, SearchCursor? after)
    {
        _sort = sort;
        _size = Math.Max(1, size);
        _after = after;
        _order = Comparer<RankedHit>.Create(Compare);
        _worstFirst = new PriorityQueue<RankedHit, RankedHit>(Comparer<RankedHit>.Create((a, b) => Compare(b, a)));
    }

    public long TotalHits { get; private set; }

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context)
    {
        _docBase = context.DocBase;
        _keys = SortKeys.For(context.AtomicReader);
        _sortKey = _sort switch
        {
            SearchSort.Newest => _keys.Published,
            SearchSort.PriceAsc or SearchSort.PriceDesc => _keys.PriceMin,
            _ => null,
        };
    }

    /// <summary>
    /// By relevance, once as many hits as kept are in: the score a hit must reach to be kept (one scoring exactly this
    /// may still win on the tie-break); negative infinity while any may enter, and for the other orders.
    /// </summary>
    public float MinCompetitiveScore => _sort == SearchSort.Relevance && _worstFirst.Count == _size ? _worstFirst.Peek().Score : float.NegativeInfinity;

    /// <summary>Counts matches handed over without their documents (a text search's pruned pass).</summary>
    public void CountMatches(long count) => TotalHits += count;

    public void Collect(int doc)
    {
        TotalHits++;
        Collect(doc, _scorer!.GetScore());
    }

    /// <summary>Offers a scored document, without counting it (<see cref="CountMatches"/> did).</summary>
    public void Collect(int doc, float score)
    {
        if (_sort == SearchSort.Relevance && _worstFirst.Count == _size && score < _worstFirst.Peek().Score)
        {
            return; // most hits of a broad search: below the kept ones without looking further
        }
        var hit = new RankedHit(score, _sortKey?[doc] ?? 0, _keys!.IdHash[doc], _docBase + doc);
        if (_after is not null && !IsAfterCursor(hit))
        {
            return;
        }
        Keep(hit);
    }

    /// <summary>
    /// A blank-text browse of one segment (every score 1): its documents come in this collector's order
    /// (<see cref="BrowseOrder"/>), so the accepted ones after the cursor are offered until as many as it keeps are
    /// taken; every accepted document counts as a hit.
    /// </summary>
    public void CollectInOrder(AtomicReaderContext context, int[] orderedDocs, FixedBitSet accepted)
    {
        SetNextReader(context);
        var taken = 0;
        for (var i = 0; i < orderedDocs.Length && taken < _size; i++)
        {
            var doc = orderedDocs[i];
            if (!accepted.Get(doc))
            {
                continue;
            }
            var hit = new RankedHit(1f, _sortKey?[doc] ?? 0, _keys!.IdHash[doc], _docBase + doc);
            if (_after is not null && !IsAfterCursor(hit))
            {
                continue;
            }
            taken++;
            Keep(hit);
        }
        TotalHits += accepted.Cardinality;
    }

    /// <summary>The kept hits, best first.</summary>
    public List<RankedHit> Results()
    {
        var hits = _worstFirst.UnorderedItems.Select(i => i.Element).ToList();
        hits.Sort(_order);
        return hits;
    }

    /// <summary>Keeps the hit while fewer than the size are kept, or in place of the worst kept one it beats.</summary>
    private void Keep(RankedHit hit)
    {
        if (_worstFirst.Count < _size)
        {
            _worstFirst.Enqueue(hit, hit);
        }
        else if (Compare(hit, _worstFirst.Peek()) < 0)
        {
            _worstFirst.DequeueEnqueue(hit, hit);
        }
    }

    public SearchCursor CursorAfter(RankedHit hit) => _sort == SearchSort.Relevance
        ? new SearchCursor(_sort, hit.Score, null, hit.IdHash)
        : new SearchCursor(_sort, null, hit.Key, hit.IdHash);

    private bool IsAfterCursor(RankedHit hit)
    {
        var primary = _sort switch
        {
            SearchSort.Relevance => _after!.Score!.Value.CompareTo(hit.Score),
            SearchSort.PriceAsc => hit.Key.CompareTo(_after!.Key!.Value),
            _ => _after!.Key!.Value.CompareTo(hit.Key),
        };
        return primary > 0 || (primary == 0 && hit.IdHash > _after.IdHash);
    }

    /// <summary>Negative when <paramref name="a"/> ranks before <paramref name="b"/>.</summary>
    private int Compare(RankedHit a, RankedHit b)
    {
        var primary = _sort switch
        {
            SearchSort.Relevance => b.Score.CompareTo(a.Score),
            SearchSort.PriceAsc => a.Key.CompareTo(b.Key),
            _ => b.Key.CompareTo(a.Key), // newest first, dearest first
        };
        if (primary != 0)
        {
            return primary;
        }
        var tie = a.IdHash.CompareTo(b.IdHash);
        return tie != 0 ? tie : a.Doc.CompareTo(b.Doc);
    }
}
