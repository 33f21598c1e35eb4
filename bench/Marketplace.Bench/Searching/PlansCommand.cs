using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Marketplace.Bench.Generation;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Marketplace.Search.Lucene;

namespace Marketplace.Bench.Searching;

/// <summary>
/// <c>plans --data DIR [--mix real] [--eval DIR] [--queries 2000] [--top 30]</c>: the work the text queries of a mix
/// create, without running them: per kind of query the clauses (words of the text, thesaurus expansions), the postings
/// they visit and the documents they match; and the clauses that visit the most postings over the whole mix (the
/// common words and single characters that scan most of the index). Reads the live generation's index directly.
/// </summary>
public static class PlansCommand
{
    public static Task<int> RunAsync(Args args)
    {
        var data = Path.GetFullPath(args.Required("data"));
        var queries = Mixes.Create(args).Where(q => !string.IsNullOrWhiteSpace(q.Request.Text)).ToList();
        var top = args.Int("top", 30);
        var root = BenchStorage.IndexDirectory(data);
        var generation = File.ReadAllText(Path.Combine(root, LuceneOfferingIndex.GenerationPointerFile)).Trim();
        using var directory = FSDirectory.Open(Path.Combine(root, "gen-" + generation));
        using var reader = DirectoryReader.Open(directory);
        var searcher = new IndexSearcher(reader);
        JiebaSegmentation.AddUserWords(Thesaurus.Default.DictionaryTerms);
        using var analyzer = OfferingAnalysis.CreateIndexAnalyzer(OfferingFields.BigramFields);
        var builder = new OfferingQueryBuilder(analyzer, Thesaurus.Default);
        var maxDoc = reader.MaxDoc;

        // Per clause key: how many postings it visits and how many documents it matches (summed over segments).
        var clauses = new Dictionary<string, ClauseWork>(StringComparer.Ordinal);
        ClauseWork Work(ScoringClause clause, string term)
        {
            if (clauses.TryGetValue(clause.Key, out var known))
            {
                return known;
            }
            long postings = 0, documents = 0;
            foreach (var segment in reader.Leaves)
            {
                var read = ClausePostings.Read(searcher, segment, clause);
                var (p, d) = Count(read, segment.AtomicReader.MaxDoc);
                postings += p;
                documents += d;
            }
            return clauses[clause.Key] = new ClauseWork(term, clause.Leaves.Length, postings, documents);
        }

        var perKind = new Dictionary<string, List<QueryWork>>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            var text = builder.Build(query.Request.Text, []);
            var words = JiebaSegmentation.Segment(TextFolding.Fold(TextFolding.Truncate(query.Request.Text!, QueryTerms.MaxTextLength)))
                .Count(s => !StopWords.Chinese.Contains(s.Text));
            var work = text.Plan.Clauses.Select(c => Work(c, c.Term ?? "?")).ToList();
            foreach (var w in work)
            {
                w.Queries++;
            }
            var q = new QueryWork(
                query.Request.Text!.Length,
                Math.Min(words, text.Plan.Clauses.Count),
                text.Plan.Clauses.Count,
                work.Sum(w => w.Leaves),
                work.Sum(w => w.Postings),
                work.Sum(w => w.Documents),
                work.Where(w => w.Documents > maxDoc / 4).Sum(w => w.Postings),
                work.Where(w => w.Term.Length == 1).Sum(w => w.Postings));
            (perKind.TryGetValue(query.Kind, out var list) ? list : perKind[query.Kind] = []).Add(q);
        }

        Console.WriteLine($"plans: mix {Mixes.Name(args)}, {queries.Count} text queries over {maxDoc:N0} documents ({reader.Leaves.Count} segments)");
        Console.WriteLine("  kind      n     chars  clauses (text + expansions)  leaves  postings visited  of them: clauses in >25% of docs / single characters");
        foreach (var (kind, list) in perKind.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {kind,-8} {list.Count,5} {list.Average(q => q.Chars),6:F0} {list.Average(q => q.Clauses),8:F1} ({list.Average(q => q.TextClauses):F1} + {list.Average(q => q.Clauses - q.TextClauses):F1}) {list.Average(q => q.Leaves),14:F0} {list.Average(q => q.Postings),12:N0} {Share(list.Sum(q => q.CommonPostings), list.Sum(q => q.Postings)),14} / {Share(list.Sum(q => q.SingleCharacterPostings), list.Sum(q => q.Postings))}"));
        }
        var all = perKind.Values.SelectMany(l => l).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  all      {all.Count,5} {all.Average(q => q.Chars),6:F0} {all.Average(q => q.Clauses),8:F1} ({all.Average(q => q.TextClauses):F1} + {all.Average(q => q.Clauses - q.TextClauses):F1}) {all.Average(q => q.Leaves),14:F0} {all.Average(q => q.Postings),12:N0} {Share(all.Sum(q => q.CommonPostings), all.Sum(q => q.Postings)),14} / {Share(all.Sum(q => q.SingleCharacterPostings), all.Sum(q => q.Postings))}"));

        var grand = clauses.Values.Sum(c => (double)c.Postings * c.Queries);
        Console.WriteLine($"  clauses visiting the most postings over the mix (term, documents matched, queries using it, share of all postings visited):");
        foreach (var c in clauses.Values.OrderByDescending(c => c.Postings * c.Queries).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {c.Term,-12} {100.0 * c.Documents / maxDoc,5:F1}% of docs  {c.Queries,5} queries  {100 * c.Postings * c.Queries / grand,5:F1}%"));
        }
        return Task.FromResult(0);
    }

    private static string Share(long part, long whole) => whole == 0 ? "-" : (100.0 * part / whole).ToString("F0", CultureInfo.InvariantCulture) + " %";

    private static (long Postings, long Documents) Count(ClausePostings postings, int maxDoc)
    {
        var lists = postings.SingleDocs.Sum(d => (long)d.Length);
        if (postings.Dense is { } dense)
        {
            // Leaves by document number, plus the other leaves' lists; the documents are the bit set's.
            var byDocument = dense.OfType<int[]>().Sum(leaf => (long)leaf.Count(code => code != 0));
            return (byDocument + lists, postings.Present!.Sum(w => (long)System.Numerics.BitOperations.PopCount((ulong)w)));
        }
        return (lists + postings.Codes.Count(f => f != 0), lists + postings.Docs.Length);
    }

    private sealed record QueryWork(int Chars, int TextClauses, int Clauses, int Leaves, long Postings, long Documents, long CommonPostings, long SingleCharacterPostings);

    private sealed class ClauseWork(string term, int leaves, long postings, long documents)
    {
        public string Term { get; } = term;

        public int Leaves { get; } = leaves;

        public long Postings { get; } = postings;

        public long Documents { get; } = documents;

        public int Queries { get; set; }
    }
}
