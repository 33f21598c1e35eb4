using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Search.Analysis;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Prepares a generation for full load before it serves (start-up: before the index reports ready; a rebuild: before it
/// is swapped in): decodes the postings searches are about to need — the clauses the previous generation's searches were
/// using, the index's most common words, the thesaurus's domain terms — on every core, then runs a few searches of every
/// shape so the first real ones find compiled code. Measured before this: p99 ≈ 420 ms for the first 20 s at 100,000
/// offerings, each early search decoding what it met, several of them the same common words at once.
/// Best effort: it stops when told to, and any failure only leaves the cache colder.
/// </summary>
internal static class PostingsWarmUp
{
    /// <summary>The most common words of the body field taken besides the domain terms.</summary>
    public const int CommonWords = 100;

    /// <summary>Each warm-up search runs this often: enough calls for the runtime to compile its hot methods fully.</summary>
    private const int SearchRounds = 30;

    /// <param name="hot">Clauses to decode first (the previous generation's working set), most valuable first.</param>
    /// <param name="search">Runs one search on the searcher (the index's own search path).</param>
    /// <returns>How many clauses were decoded.</returns>
    public static int Run(IndexSearcher searcher, OfferingQueryBuilder queries, IReadOnlyList<ScoringClause> hot, IEnumerable<string> domainTerms,
        long budgetBytes, Action<IndexSearcher, string?> search, Func<bool> stopped)
    {
        if (budgetBytes <= 0 || searcher.Similarity is not OfferingSimilarity)
        {
            return 0;
        }
        var common = MostCommonWords(searcher.IndexReader);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // The live generation's working set is kept as if searched again; the rest as new clauses, first to give way.
        var clauses = hot.Select(c => (Clause: c, Hot: true))
            .Concat(common.Concat(domainTerms).SelectMany(term => queries.Build(term, []).Plan.Clauses).Select(c => (Clause: c, Hot: false)))
            .Where(c => seen.Add(c.Clause.Key))
            .ToList();
        var decoded = 0;
        try
        {
            Parallel.ForEach(clauses, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, (clause, state) =>
            {
                if (stopped())
                {
                    state.Stop();
                    return;
                }
                foreach (var segment in searcher.IndexReader.Leaves)
                {
                    ClausePostingsCache.Get(searcher, segment, clause.Clause, budgetBytes, clause.Hot);
                }
                Interlocked.Increment(ref decoded);
            });
            // Searches of every shape (a long sentence of common words, a domain term, blank; ranked, filtered, sorted).
            var sentence = string.Join("，", common.Take(12));
            string?[] texts = [sentence, common.FirstOrDefault(), domainTerms.FirstOrDefault(), null];
            for (var round = 0; round < SearchRounds && !stopped(); round++)
            {
                foreach (var text in texts)
                {
                    search(searcher, text);
                }
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            // The index closed or changed underneath: searches decode what they need themselves.
        }
        return decoded;
    }

    private static List<string> MostCommonWords(IndexReader reader)
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
