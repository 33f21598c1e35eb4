using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Marketplace.Search.Lucene;

namespace Marketplace.Tests.Search;

/// <summary>
/// The postings cache keeps within its budget whatever the vocabulary of the searches: a full segment share evicts the
/// clauses not used since the clock hand last passed them, and what it hands out is always the clause's postings.
/// </summary>
public class ClausePostingsCacheTests
{
    private RAMDirectory _directory = null!;
    private DirectoryReader _reader = null!;
    private Analyzer _analyzer = null!;
    private IndexSearcher _searcher = null!;
    private List<ScoringClause> _clauses = null!;

    [OneTimeSetUp]
    public void BuildIndex()
    {
        JiebaSegmentation.AddUserWords(Thesaurus.Default.DictionaryTerms);
        _analyzer = OfferingAnalysis.CreateIndexAnalyzer(OfferingFields.BigramFields);
        _directory = new RAMDirectory();
        var builder = new OfferingDocumentBuilder(TaxonomyCatalog.Default);
        using (var writer = new IndexWriter(_directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, _analyzer)))
        {
            foreach (var document in SyntheticOfferings.Create(600))
            {
                writer.AddDocument(builder.Build(document));
            }
            writer.ForceMerge(1);
        }
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader);
        // Distinct clauses of the domain terms, most of them present in the index.
        var queries = new OfferingQueryBuilder(_analyzer, Thesaurus.Default);
        _clauses = Thesaurus.Default.DictionaryTerms.Take(400)
            .SelectMany(t => queries.Build(t, []).Plan.Clauses)
            .DistinctBy(c => c.Key)
            .ToList();
    }

    [OneTimeTearDown]
    public void Close()
    {
        _reader.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }

    private AtomicReaderContext Segment => _reader.Leaves.Single();

    private ClausePostings Read(ScoringClause clause) => ClausePostings.Read(_searcher, Segment, clause);

    [Test]
    public void A_full_share_evicts_and_stays_within_its_budget()
    {
        var entries = new ClausePostingsCache.SegmentEntries(64 * 1024);
        var kept = 0;
        foreach (var clause in _clauses)
        {
            var postings = entries.TryGet(clause.Key) ?? entries.Add(clause, Read(clause));
            AssertSamePostings(postings, Read(clause), clause);
            Assert.That(entries.UsedBytes, Is.LessThanOrEqualTo(entries.LimitBytes), "never above the share");
            kept = Math.Max(kept, entries.Count);
        }
        Assert.That(_clauses, Has.Count.GreaterThan(kept), "more clauses than fit: some were evicted");
        Assert.That(entries.Count, Is.GreaterThan(0));
        Assert.That(entries.UsedBytes, Is.GreaterThan(entries.LimitBytes / 2), "the share is used, not emptied");
    }

    [Test]
    public void A_clause_used_again_outlives_clauses_used_once()
    {
        var postings = _clauses.Select(c => (Clause: c, Postings: Read(c))).Take(40).ToList();
        // Room for the first eight entries exactly: the ninth needs an eviction.
        var entries = new ClausePostingsCache.SegmentEntries(postings.Take(8).Sum(p => ClausePostingsCache.SegmentEntries.CostOf(p.Clause.Key, p.Postings)));
        var (hotClause, hot) = postings[0];
        entries.Add(hotClause, hot);
        foreach (var (clause, value) in postings.Skip(1))
        {
            Assert.That(entries.TryGet(hotClause.Key), Is.SameAs(hot), $"the clause searched every time stays (before adding {clause.Term})");
            entries.Add(clause, value);
            Assert.That(entries.UsedBytes, Is.LessThanOrEqualTo(entries.LimitBytes));
        }
        Assert.That(entries.Contains(postings[1].Clause.Key), Is.False, "a clause used once is evicted when newer ones need room");
        Assert.That(entries.Contains(postings[^1].Clause.Key), "the newest is kept");
    }

    [Test]
    public void A_clause_larger_than_the_share_is_handed_out_but_not_kept()
    {
        var largest = _clauses.Select(c => (Clause: c, Postings: Read(c))).MaxBy(p => p.Postings.Bytes);
        var entries = new ClausePostingsCache.SegmentEntries(largest.Postings.Bytes / 2);

        Assert.That(entries.Add(largest.Clause, largest.Postings), Is.SameAs(largest.Postings));
        Assert.That(entries.Contains(largest.Clause.Key), Is.False);
        Assert.That(entries.UsedBytes, Is.Zero);
    }

    [Test]
    public void Searches_through_a_small_cache_keep_their_budget_and_their_postings()
    {
        const long budget = 48 * 1024;
        foreach (var clause in _clauses.Concat(_clauses))
        {
            AssertSamePostings(ClausePostingsCache.Get(_searcher, Segment, clause, budget), Read(clause), clause);
        }
        Assert.That(ClausePostingsCache.Count(Segment.AtomicReader), Is.GreaterThan(0).And.LessThan(_clauses.Count));
    }

    private static void AssertSamePostings(ClausePostings actual, ClausePostings expected, ScoringClause clause)
    {
        Assert.That(actual.Docs, Is.EqualTo(expected.Docs), clause.Term);
        Assert.That(actual.Codes, Is.EqualTo(expected.Codes), clause.Term);
        Assert.That(actual.SingleDocs, Is.EqualTo(expected.SingleDocs), clause.Term);
        Assert.That(actual.SingleCodes, Is.EqualTo(expected.SingleCodes), clause.Term);
        Assert.That(actual.Dense, Is.EqualTo(expected.Dense), clause.Term);
    }
}
