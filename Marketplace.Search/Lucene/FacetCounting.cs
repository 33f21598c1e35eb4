using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Counts facet values of collected documents: per segment into an array indexed by ordinal
/// (<see cref="FacetOrdinals"/>), resolved to strings once per segment.
/// </summary>
internal sealed class FacetCounter(IReadOnlyList<string> fields)
{
    private readonly Dictionary<string, long>[] _totals = fields.Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
    private readonly FacetOrdinals?[] _segment = new FacetOrdinals?[fields.Count];
    private readonly int[]?[] _counts = new int[fields.Count][];

    public void SetNextReader(AtomicReaderContext context)
    {
        Flush();
        for (var i = 0; i < fields.Count; i++)
        {
            var ordinals = FacetOrdinals.For(context.AtomicReader, fields[i]);
            _segment[i] = ordinals;
            _counts[i] = ordinals is null ? null : new int[ordinals.Values.Length];
        }
    }

    public void Collect(int doc)
    {
        for (var i = 0; i < _segment.Length; i++)
        {
            if (_segment[i] is not { } segment)
            {
                continue;
            }
            var counts = _counts[i]!;
            var ordinals = segment.Ordinals;
            if (segment.IsSingleValued)
            {
                counts[ordinals[doc]]++;
                continue;
            }
            var starts = segment.Starts;
            for (int k = starts[doc], end = starts[doc + 1]; k < end; k++)
            {
                counts[ordinals[k]]++;
            }
        }
    }

    public void AddResultsTo(Dictionary<string, IReadOnlyList<FacetCount>> facets)
    {
        Flush();
        for (var i = 0; i < fields.Count; i++)
        {
            facets[fields[i]] = _totals[i]
                .OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => new FacetCount(p.Key, p.Value))
                .ToArray();
        }
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

/// <summary>Feeds every matching document to an optional inner collector (top hits) and to a facet counter.</summary>
internal sealed class FacetingCollector(ICollector? inner, FacetCounter counter) : ICollector
{
    public bool AcceptsDocsOutOfOrder => inner?.AcceptsDocsOutOfOrder ?? true;

    public void SetScorer(Scorer scorer) => inner?.SetScorer(scorer);

    public void SetNextReader(AtomicReaderContext context)
    {
        inner?.SetNextReader(context);
        counter.SetNextReader(context);
    }

    public void Collect(int doc)
    {
        inner?.Collect(doc);
        counter.Collect(doc);
    }
}
