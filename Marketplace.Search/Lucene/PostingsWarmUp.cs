using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Marketplace.Search.Analysis;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Decodes, in the background, the postings of the terms searches are likely to use (the thesaurus's domain terms and
/// the index's most common words) once a generation is opened or swapped in, so that the first searches after a start
/// or a rebuild do not each pay for decoding (measured: p99 ≈ 400 ms for the first 20 s at 100,000 offerings).
/// Best effort: it stops when the index closes, and any failure only leaves the cache colder.
/// </summary>
internal static class PostingsWarmUp
{
    /// <summary>The most common words of the body field taken besides the domain terms.</summary>
    public const int CommonWords = 100;

    public static void Start(SearcherManager searchers, OfferingQueryBuilder queries, IEnumerable<string> domainTerms, long budgetBytes, Func<bool> stopped)
    {
        if (budgetBytes <= 0)
        {
            return;
        }
        var terms = domainTerms.ToList();
        var thread = new Thread(() => Run(searchers, queries, terms, budgetBytes, stopped))
        {
            IsBackground = true,
            Name = "postings warm-up",
            Priority = ThreadPriority.BelowNormal,
        };
        thread.Start();
    }

    private static void Run(SearcherManager searchers, OfferingQueryBuilder queries, List<string> domainTerms, long budgetBytes, Func<bool> stopped)
    {
        try
        {
            var searcher = searchers.Acquire();
            try
            {
                if (searcher.Similarity is not OfferingSimilarity)
                {
                    return;
                }
                foreach (var term in domainTerms.Concat(MostCommonWords(searcher.IndexReader)))
                {
                    if (stopped())
                    {
                        return;
                    }
                    var plan = queries.Build(term, []).Plan;
                    foreach (var clause in plan.Clauses)
                    {
                        foreach (var segment in searcher.IndexReader.Leaves)
                        {
                            ClausePostingsCache.Get(searcher, segment, clause, budgetBytes);
                        }
                    }
                }
            }
            finally
            {
                searchers.Release(searcher);
            }
        }
        catch (Exception)
        {
            // Best effort on a thread of its own (an exception there would end the process): the index closed or
            // changed underneath, and searches decode what they need themselves.
        }
    }

    private static IEnumerable<string> MostCommonWords(IndexReader reader)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var leaf in reader.Leaves)
        {
            var terms = leaf.AtomicReader.GetTerms(OfferingFields.Body + OfferingAnalysis.WordSuffix)?.GetEnumerator();
            while (terms is not null && terms.MoveNext())
            {
                var text = terms.Term.Utf8ToString();
                counts[text] = counts.GetValueOrDefault(text) + terms.DocFreq;
            }
        }
        return counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(CommonWords).Select(c => c.Key).ToList();
    }
}
