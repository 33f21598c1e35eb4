using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Counts facet values of collected documents from sorted-set doc values: per segment into an
/// array indexed by ordinal, resolved to strings once per segment (no per-document string work).
/// </summary>
internal sealed class FacetCounter(IReadOnlyList<string> fields)
{
    private readonly Dictionary<string, long>[] _totals = fields.Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
    private readonly SortedSetDocValues?[] _values = new SortedSetDocValues?[fields.Count];
    private readonly int[]?[] _counts = new int[fields.Count][];

    public IReadOnlyList<string> Fields => fields;

    public void SetNextReader(AtomicReaderContext context)
    {
        Flush();
        for (var i = 0; i < fields.Count; i++)
        {
            var values = context.AtomicReader.GetSortedSetDocValues(fields[i]);
            _values[i] = values;
            _counts[i] = values is null ? null : new int[values.ValueCount];
        }
    }

    public void Collect(int doc)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            var values = _values[i];
            if (values is null)
            {
                continue;
            }
            var counts = _counts[i]!;
            values.SetDocument(doc);
            long ord;
            while ((ord = values.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS)
            {
                counts[ord]++;
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
        var bytes = new BytesRef();
        for (var i = 0; i < _values.Length; i++)
        {
            if (_values[i] is not { } values || _counts[i] is not { } counts)
            {
                continue;
            }
            for (var ord = 0; ord < counts.Length; ord++)
            {
                if (counts[ord] == 0)
                {
                    continue;
                }
                values.LookupOrd(ord, bytes);
                var key = bytes.Utf8ToString();
                _totals[i][key] = _totals[i].GetValueOrDefault(key) + counts[ord];
            }
            _values[i] = null;
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
