using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Marketplace.Search.Lucene;

namespace Marketplace.Tests.Search;

/// <summary>
/// The term-at-a-time scorer over cached postings must give exactly the documents Lucene's own query gives, with the
/// same BM25 scores: several segments, updated (deleted) documents and tombstones, cached and uncached postings, and
/// cached postings scored again after a write moved the average field lengths.
/// </summary>
public class TextScorerTests
{
    private static readonly string[] Texts =
    [
        "MES", "弧焊机器人", "制造执行系统 生产数据采集", "AGV 智能搬运", "煤改电", "余热余压利用", "5G专网 设备联网",
        "质量追溯 视觉检测 降低能耗", "老师傅退休了没人会调机器，订单交期老是拖", "电费太贵", "我们是一家做汽车零部件的企业，目前人工成本高，返工率高，想上视觉检测",
        "PLC改造", "预测性维护 数字孪生 能源管理 仓储物流 工艺优化 安全生产", "要", "扫码枪", "卡脖子工序", "SMT贴片 AOI",
    ];

    private RAMDirectory _directory = null!;
    private DirectoryReader _reader = null!;
    private Analyzer _analyzer = null!;

    [OneTimeSetUp]
    public void BuildIndex()
    {
        JiebaSegmentation.AddUserWords(Thesaurus.Default.DictionaryTerms);
        _analyzer = OfferingAnalysis.CreateIndexAnalyzer(OfferingFields.BigramFields);
        _directory = new RAMDirectory();
        var documents = SyntheticOfferings.Create(5_000).ToList();
        var builder = new OfferingDocumentBuilder(TaxonomyCatalog.Default);
        using (var writer = new IndexWriter(_directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, _analyzer) { MergePolicy = NoMergePolicy.COMPOUND_FILES, Similarity = OfferingSimilarity.Instance }))
        {
            foreach (var batch in documents.Chunk(2_400))
            {
                foreach (var document in batch)
                {
                    writer.UpdateDocument(new Term(OfferingFields.Id, OfferingFields.IdTerm(document.Id)), builder.Build(document));
                }
                writer.Commit(); // one segment per batch, each longer than the scorer's window
            }
            foreach (var document in documents.Where((_, i) => i % 7 == 0))
            {
                var revised = document with { Version = 2, Title = document.Title + " 升级版", Description = document.Description + " 新增能源管理模块。" };
                writer.UpdateDocument(new Term(OfferingFields.Id, OfferingFields.IdTerm(document.Id)), builder.Build(revised));
            }
            foreach (var document in documents.Where((_, i) => i % 11 == 0))
            {
                writer.UpdateDocument(new Term(OfferingFields.Id, OfferingFields.IdTerm(document.Id)), builder.Build(OfferingDocument.Tombstone(document.Id, 3)));
            }
            writer.Commit();
        }
        _reader = DirectoryReader.Open(_directory);
        Assert.That(_reader.Leaves, Has.Count.GreaterThan(2), "several segments");
        Assert.That(_reader.HasDeletions, "updated documents leave deletions");
    }

    [OneTimeTearDown]
    public void Close()
    {
        _reader.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }

    [TestCaseSource(nameof(Texts))]
    public void Scores_equal_Lucene_for_the_same_query(string text)
    {
        var searcher = new IndexSearcher(_reader) { Similarity = OfferingSimilarity.Instance };
        var query = new OfferingQueryBuilder(_analyzer, Thesaurus.Default).Build(text, [new WeightedTerm("智能制造", 0.5f), new WeightedTerm("中小企业", 1.5f)]);
        Assert.That(query.MatchesAll, Is.False);

        var expected = Lucene(searcher, query.Plan.ToQuery());
        Assert.That(expected, Is.Not.Empty, "the query matches something");
        foreach (var budget in new[] { 0L, 64L << 20, 64L << 20 }) // uncached, filling the cache, from the cache
        {
            var actual = Scored(searcher, query.Plan, budget);
            Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys), $"matching documents (budget {budget})");
            foreach (var (doc, score) in expected)
            {
                Assert.That(actual[doc], Is.EqualTo(score).Within(1e-4).Percent, $"score of document {doc} (budget {budget})");
            }
        }
    }

    [Test]
    public void Identical_documents_tie_exactly()
    {
        var searcher = new IndexSearcher(_reader) { Similarity = OfferingSimilarity.Instance };
        var query = new OfferingQueryBuilder(_analyzer, Thesaurus.Default).Build("质量追溯 视觉检测", []);
        var ours = Scored(searcher, query.Plan, 64L << 20);
        var ties = Lucene(searcher, query.Plan.ToQuery()).GroupBy(kv => kv.Value).Where(g => g.Count() > 1).ToList();
        Assert.That(ties, Is.Not.Empty, "the index holds equal documents");
        foreach (var tie in ties)
        {
            Assert.That(tie.Select(kv => ours[kv.Key]).Distinct().Count(), Is.EqualTo(1), $"documents Lucene ties at {tie.Key} stay tied");
        }
    }

    [Test]
    public void Cached_postings_are_scored_again_when_a_write_moves_the_average_field_lengths()
    {
        using var directory = new RAMDirectory();
        var builder = new OfferingDocumentBuilder(TaxonomyCatalog.Default);
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, _analyzer) { MergePolicy = NoMergePolicy.COMPOUND_FILES, Similarity = OfferingSimilarity.Instance };
        using var writer = new IndexWriter(directory, config);
        foreach (var document in SyntheticOfferings.Create(300))
        {
            writer.AddDocument(builder.Build(document));
        }
        writer.Commit();
        var plan = new OfferingQueryBuilder(_analyzer, Thesaurus.Default).Build("视觉检测 质量追溯", []).Plan;
        using (var before = DirectoryReader.Open(directory))
        {
            Scored(new IndexSearcher(before) { Similarity = OfferingSimilarity.Instance }, plan, 64L << 20); // caches the first segment's postings
        }

        // A much longer document in a new segment: every average field length grows, the first segment is unchanged.
        var longer = SyntheticOfferings.Create(1).Single();
        writer.AddDocument(builder.Build(longer with
        {
            Id = Guid.NewGuid(),
            Title = string.Concat(Enumerable.Repeat(longer.Title + " 视觉检测", 20)),
            Description = string.Concat(Enumerable.Repeat(longer.Description, 50)),
        }));
        writer.Commit();
        using var after = DirectoryReader.Open(directory);
        var searcher = new IndexSearcher(after) { Similarity = OfferingSimilarity.Instance };
        var expected = Lucene(searcher, plan.ToQuery());
        var actual = Scored(searcher, plan, 64L << 20);
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (doc, score) in expected)
        {
            Assert.That(actual[doc], Is.EqualTo(score).Within(1e-4).Percent, $"score of document {doc}");
        }
    }

    [TestCaseSource(nameof(Texts))]
    public void Skipping_weak_clauses_changes_no_hit_score_total_or_facet(string text)
    {
        var searcher = new IndexSearcher(_reader) { Similarity = OfferingSimilarity.Instance };
        var plan = new OfferingQueryBuilder(_analyzer, Thesaurus.Default).Build(text, [new WeightedTerm("智能制造", 0.5f), new WeightedTerm("中小企业", 1.5f)]).Plan;
        var firstPage = new OfferingSearchRequest { Limit = 20 };
        var (_, _, _, cursor) = Search(searcher, plan, firstPage, prune: false);
        OfferingSearchRequest[] requests =
        [
            firstPage,
            new() { Limit = 1 },
            new() { Limit = 200, IncludeFacets = false }, // as matching asks
            new() { Offset = 40, Limit = 20 },
            new() { Limit = 20, Cursor = cursor },
            new() { Limit = 20, Directions = ["machinery", "general"], District = "渝北区" }, // facets counted sideways
            new() { Limit = 20, MaxPriceYuan = 300_000, MaxDays = 90, Type = "solution" },
            new() { Limit = 20, Sort = SearchSort.Newest },
        ];
        foreach (var request in requests)
        {
            var pruned = Search(searcher, plan, request, prune: true);
            var full = Search(searcher, plan, request, prune: false);
            var shape = $"{text} / {request}";
            Assert.That(pruned.Hits, Is.EqualTo(full.Hits), $"hits and their scores: {shape}");
            Assert.That(pruned.Total, Is.EqualTo(full.Total), $"total: {shape}");
            Assert.That(pruned.Facets, Is.EqualTo(full.Facets), $"facets: {shape}");
        }
    }

    [Test]
    public void A_long_sentence_scores_in_full_only_the_documents_that_may_enter_the_page()
    {
        var searcher = new IndexSearcher(_reader) { Similarity = OfferingSimilarity.Instance };
        var plan = new OfferingQueryBuilder(_analyzer, Thesaurus.Default).Build("我们是一家做汽车零部件的企业，目前人工成本高，返工率高，想上视觉检测", []).Plan;
        var request = new OfferingSearchRequest { Limit = 5 };
        var pruned = new CountingHits();
        var full = new CountingHits();
        Search(searcher, plan, request, prune: true, pruned);
        Search(searcher, plan, request, prune: false, full);
        Assert.That(full.Collected, Is.GreaterThan(1_000), "a broad query");
        // Each segment's first window (2,048 documents, most of this small index) is scored in full before the page fills.
        Assert.That(pruned.Collected, Is.LessThan(full.Collected * 2 / 3), $"matches counted, not offered ({pruned.Collected} of {full.Collected})");
    }

    /// <summary>A text search as the index runs it (top hits, sideways facets), with or without skipping weak clauses.</summary>
    private static (List<RankedHit> Hits, long Total, Dictionary<string, IReadOnlyList<FacetCount>> Facets, string? Cursor) Search(
        IndexSearcher searcher, ScoringPlan plan, OfferingSearchRequest request, bool prune, CountingHits? counting = null)
    {
        var filter = new RequestFilter(new SearchFilters(request), sideways: request.IncludeFacets);
        var counter = request.IncludeFacets ? new FacetCounter() : null;
        var cursor = request.Cursor is null ? null : SearchCursor.Decode(request.Cursor, request.Sort, request.CursorScope());
        var top = new TopHitsCollector(request.Sort, request.Offset + request.Limit + 1, cursor);
        ITextHits hits = new TextSearchCollector(top, counter, filter);
        counting ??= new CountingHits();
        counting.Inner = hits;
        counting.Prune = prune;
        TextScorer.Run(searcher, plan, filter, counting, 64L << 20);
        var results = top.Results();
        var facets = FacetNames.All.ToDictionary(f => f, f => counter?.Result(f) ?? []);
        var next = results.Count > request.Offset + request.Limit ? top.CursorAfter(results[request.Offset + request.Limit - 1]).Encode(request.CursorScope()) : null;
        return (results, top.TotalHits, facets, next);
    }

    /// <summary>Counts the documents scored in full; without pruning, claims every document may enter.</summary>
    private sealed class CountingHits : ITextHits
    {
        public ITextHits Inner { get; set; } = null!;

        public bool Prune { get; set; }

        public int Collected { get; private set; }

        public float MinCompetitiveScore => Prune ? Inner.MinCompetitiveScore : float.NegativeInfinity;

        public void SetSegment(AtomicReaderContext segment) => Inner.SetSegment(segment);

        public void Matched(int windowStart, ReadOnlySpan<long> words) => Inner.Matched(windowStart, words);

        public void Collect(int doc, float score)
        {
            Collected++;
            Inner.Collect(doc, score);
        }
    }

    /// <summary>Lucene's own scores of every live matching document.</summary>
    private static Dictionary<int, float> Lucene(IndexSearcher searcher, Query query)
    {
        var top = searcher.Search(query, LiveOnly(), searcher.IndexReader.MaxDoc);
        return top.ScoreDocs.ToDictionary(d => d.Doc, d => d.Score);
    }

    private static Filter LiveOnly() => new QueryWrapperFilter(new TermQuery(new Term(OfferingFields.Live, "1")));

    private static Dictionary<int, float> Scored(IndexSearcher searcher, ScoringPlan plan, long budget)
    {
        var collector = new ScoreRecorder();
        TextScorer.Run(searcher, plan, new RequestFilter(new SearchFilters(new OfferingSearchRequest()), sideways: false), collector, budget);
        return collector.Scores;
    }

    private sealed class ScoreRecorder : ICollector
    {
        private Scorer? _scorer;
        private int _docBase;

        public Dictionary<int, float> Scores { get; } = [];

        public bool AcceptsDocsOutOfOrder => true;

        public void SetScorer(Scorer scorer) => _scorer = scorer;

        public void SetNextReader(AtomicReaderContext context) => _docBase = context.DocBase;

        public void Collect(int doc) => Scores.Add(_docBase + doc, _scorer!.GetScore());
    }
}
