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
        var clock = new ClausePostingsCache.Clock(64 * 1024);
        var entries = new ClausePostingsCache.SegmentEntries(clock);
        var kept = 0;
        foreach (var clause in _clauses)
        {
            var postings = entries.TryGet(clause.Key) ?? entries.Add(clause, Read(clause));
            AssertSamePostings(postings, Read(clause), clause);
            Assert.That(clock.UsedBytes, Is.LessThanOrEqualTo(clock.LimitBytes), "never above the budget");
            Assert.That(entries.Count, Is.EqualTo(clock.Count), "what the clock holds is what the segment finds");
            kept = Math.Max(kept, entries.Count);
        }
        Assert.That(_clauses, Has.Count.GreaterThan(kept), "more clauses than fit: some were evicted");
        Assert.That(entries.Count, Is.GreaterThan(0));
        Assert.That(clock.UsedBytes, Is.GreaterThan(clock.LimitBytes / 2), "the budget is used, not emptied");
    }

    [Test]
    public void A_clause_used_again_outlives_clauses_used_once()
    {
        var postings = _clauses.Select(c => (Clause: c, Postings: Read(c))).Take(40).ToList();
        // Room for the first eight entries exactly: the ninth needs an eviction.
        var clock = new ClausePostingsCache.Clock(postings.Take(8).Sum(p => ClausePostingsCache.SegmentEntries.CostOf(p.Clause, p.Postings)));
        var entries = new ClausePostingsCache.SegmentEntries(clock);
        var (hotClause, hot) = postings[0];
        entries.Add(hotClause, hot);
        foreach (var (clause, value) in postings.Skip(1))
        {
            Assert.That(entries.TryGet(hotClause.Key), Is.SameAs(hot), $"the clause searched every time stays (before adding {clause.Term})");
            entries.Add(clause, value);
            entries.Add(clause, value); // asked for twice: more often than the clauses added once, so admitted although the budget is full
            Assert.That(clock.UsedBytes, Is.LessThanOrEqualTo(clock.LimitBytes));
        }
        Assert.That(entries.Contains(postings[1].Clause.Key), Is.False, "a clause used once is evicted when newer ones need room");
        var (other, otherPostings) = _clauses.Skip(40).Select(c => (Clause: c, Postings: Read(c))).First(p => p.Postings.Bytes > 0);
        Assert.That(entries.Add(other, otherPostings), Is.SameAs(otherPostings));
        Assert.That(entries.Contains(other.Key), Is.False, "asked for once while the budget is full of clauses asked for twice: handed out, not kept");
        entries.Add(other, otherPostings);
        entries.Add(other, otherPostings);
        Assert.That(entries.Contains(other.Key), "asked for more often than the clause it evicts: kept");
        Assert.That(entries.TryGet(hotClause.Key), Is.SameAs(hot), "and the clause searched every time is still there");
    }

    [Test]
    public void Words_searched_once_do_not_push_out_the_clauses_searches_keep_using()
    {
        var postings = _clauses.Select(c => (Clause: c, Postings: Read(c))).Take(60).ToList();
        var common = postings.Take(8).ToList();
        var clock = new ClausePostingsCache.Clock(common.Sum(p => ClausePostingsCache.SegmentEntries.CostOf(p.Clause, p.Postings)));
        var entries = new ClausePostingsCache.SegmentEntries(clock);
        foreach (var (clause, value) in common)
        {
            entries.Add(clause, value);
        }
        foreach (var (clause, value) in postings.Skip(8))
        {
            Assert.That(entries.Add(clause, value), Is.SameAs(value), "a one-off clause is still handed out");
            foreach (var (used, _) in common)
            {
                entries.TryGet(used.Key);
            }
        }
        Assert.That(common.All(p => entries.Contains(p.Clause.Key)), "the common clauses stayed");
        Assert.That(clock.UsedBytes, Is.LessThanOrEqualTo(clock.LimitBytes));
    }

    [Test]
    public void A_clause_larger_than_the_share_is_handed_out_but_not_kept()
    {
        var largest = _clauses.Select(c => (Clause: c, Postings: Read(c))).MaxBy(p => p.Postings.Bytes);
        var clock = new ClausePostingsCache.Clock(largest.Postings.Bytes / 2);
        var entries = new ClausePostingsCache.SegmentEntries(clock);

        Assert.That(entries.Add(largest.Clause, largest.Postings), Is.SameAs(largest.Postings));
        Assert.That(entries.Contains(largest.Clause.Key), Is.False);
        Assert.That(clock.UsedBytes, Is.Zero);
    }

    [Test]
    public void One_budget_for_every_segment_the_segment_still_searched_keeps_its_clauses()
    {
        var postings = _clauses.Select(c => (Clause: c, Postings: Read(c))).Take(60).ToList();
        var clock = new ClausePostingsCache.Clock(postings.Skip(20).Take(20).Sum(p => ClausePostingsCache.SegmentEntries.CostOf(p.Clause, p.Postings)));
        var replaced = new ClausePostingsCache.SegmentEntries(clock); // a generation on its way out: no search uses it any more
        var live = new ClausePostingsCache.SegmentEntries(clock);
        foreach (var (clause, value) in postings.Take(20))
        {
            replaced.Add(clause, value);
        }
        foreach (var (clause, value) in postings.Skip(20).Take(20))
        {
            live.Add(clause, value, referenced: true); // warmed from the working set
        }
        Assert.That(replaced.Count, Is.Zero, "the unused segment gave way");
        Assert.That(live.Count, Is.EqualTo(20), "the new one kept all it was warmed with");
        Assert.That(clock.UsedBytes, Is.LessThanOrEqualTo(clock.LimitBytes));
    }

    [Test]
    public void A_released_segment_frees_its_share_at_once_and_keeps_nothing_more()
    {
        var postings = _clauses.Select(c => (Clause: c, Postings: Read(c))).Where(p => p.Postings.Bytes > 0).Take(40).ToList();
        long Cost(IEnumerable<(ScoringClause Clause, ClausePostings Postings)> some) => some.Sum(p => ClausePostingsCache.SegmentEntries.CostOf(p.Clause, p.Postings));
        // Room for the first ten clauses in both segments, and for the first twenty in one.
        var clock = new ClausePostingsCache.Clock(Math.Max(2 * Cost(postings.Take(10)), Cost(postings.Take(20))));
        var replaced = new ClausePostingsCache.SegmentEntries(clock);
        var live = new ClausePostingsCache.SegmentEntries(clock);
        foreach (var (clause, value) in postings.Take(10))
        {
            replaced.Add(clause, value);
            live.Add(clause, value);
            live.TryGet(clause.Key); // searched again: more popular than any newcomer
        }

        replaced.Release();

        Assert.That(replaced.Count, Is.Zero);
        Assert.That(clock.Count, Is.EqualTo(10), "only the live segment's entries are left");
        foreach (var (clause, value) in postings.Skip(10).Take(10))
        {
            live.Add(clause, value); // asked for once: kept only because the released share is free again
        }
        Assert.That(live.Count, Is.EqualTo(20), "the new clauses took the freed share instead of being refused");
        replaced.Add(postings[0].Clause, postings[0].Postings);
        Assert.That(replaced.Count, Is.Zero, "a released segment keeps nothing more");
        Assert.That(clock.UsedBytes, Is.LessThanOrEqualTo(clock.LimitBytes));
    }

    [Test]
    public void Segments_released_in_any_order_take_exactly_their_entries_with_them()
    {
        var postings = _clauses.Select(c => (Clause: c, Postings: Read(c))).Where(p => p.Postings.Bytes > 0).Take(30).ToList();
        var cost = postings.Sum(p => ClausePostingsCache.SegmentEntries.CostOf(p.Clause, p.Postings));
        var clock = new ClausePostingsCache.Clock(10 * cost);
        var segments = Enumerable.Range(0, 5).Select(_ => new ClausePostingsCache.SegmentEntries(clock)).ToArray();
        foreach (var (clause, value) in postings)
        {
            foreach (var segment in segments)
            {
                segment.Add(clause, value); // the segments' entries interleaved in the ring
            }
        }

        foreach (var released in new[] { 3, 0, 2 })
        {
            segments[released].Release();
        }

        Assert.That(segments.Select(s => s.Count), Is.EqualTo(new[] { 0, 30, 0, 0, 30 }));
        Assert.That(clock.Count, Is.EqualTo(60));
        Assert.That(clock.UsedBytes, Is.EqualTo(2 * cost));
        Assert.That(postings.All(p => segments[1].TryGet(p.Clause.Key) is not null && segments[4].TryGet(p.Clause.Key) is not null), Is.True);
        segments[4].Release();
        segments[1].Release();
        Assert.That(clock.Count, Is.Zero);
        Assert.That(clock.UsedBytes, Is.Zero);
    }

    [Test]
    public void Closing_a_segment_core_releases_its_entries()
    {
        using var directory = new RAMDirectory();
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, _analyzer)))
        {
            var builder = new OfferingDocumentBuilder(TaxonomyCatalog.Default);
            foreach (var document in SyntheticOfferings.Create(50))
            {
                writer.AddDocument(builder.Build(document));
            }
        }
        var reader = DirectoryReader.Open(directory);
        var segment = reader.Leaves.Single();
        var searcher = new IndexSearcher(reader);
        var clause = _clauses.First(c => ClausePostings.Read(searcher, segment, c).Bytes > 0);
        ClausePostingsCache.Get(searcher, segment, clause, 64 * 1024 * 1024);
        Assert.That(ClausePostingsCache.Contains(segment.AtomicReader, clause), Is.True);

        reader.Dispose();

        Assert.That(ClausePostingsCache.Contains(segment.AtomicReader, clause), Is.False, "gone with the core, not left for the clock hand");
    }

    [Test]
    [NonParallelizable] // the process-wide budget: other tests' searches would change it meanwhile
    public void Searches_through_a_small_cache_keep_their_budget_and_their_postings()
    {
        const long budget = 48 * 1024;
        foreach (var clause in _clauses.Concat(_clauses))
        {
            AssertSamePostings(ClausePostingsCache.Get(_searcher, Segment, clause, budget), Read(clause), clause);
        }
        Assert.That(ClausePostingsCache.Count(Segment.AtomicReader), Is.GreaterThan(0).And.LessThan(_clauses.Count));
        Assert.That(ClausePostingsCache.Statistics().Bytes, Is.LessThanOrEqualTo(budget));
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
