using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Elasticsearch;
using Elastic.Clients.Elasticsearch;

namespace Marketplace.Tests.Search;

/// <summary>
/// The engine conformance suite against a live Elasticsearch 9 at MARKETPLACE_TEST_ELASTICSEARCH
/// (e.g. http://localhost:9200, or http://elastic:secret@host:9200). Each test gets its own alias.
/// </summary>
[NonParallelizable]
[Category(TestCategories.Elasticsearch)]
public sealed class ElasticsearchConformanceTests : OfferingIndexConformance
{
    private const string Variable = "MARKETPLACE_TEST_ELASTICSEARCH";
    private ElasticsearchClient? _client;
    private ElasticsearchOptions? _options;
    private readonly List<ElasticsearchOfferingIndex> _created = [];

    [OneTimeSetUp]
    public void ConnectToElasticsearch()
    {
        var url = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(url))
        {
            Assert.Ignore($"{Variable} is not set: live Elasticsearch conformance skipped");
        }
        var uri = new Uri(url);
        var credentials = uri.UserInfo.Split(':', 2);
        _options = new ElasticsearchOptions
        {
            Url = new UriBuilder(uri) { UserName = "", Password = "" }.Uri,
            Username = credentials.Length == 2 ? Uri.UnescapeDataString(credentials[0]) : null,
            Password = credentials.Length == 2 ? Uri.UnescapeDataString(credentials[1]) : null,
            ApiKey = Environment.GetEnvironmentVariable(Variable + "_API_KEY"),
        };
        _client = new ElasticsearchClient(ElasticsearchOfferingIndex.CreateClientSettings(_options));
    }

    protected override async Task<IOfferingIndex> CreateIndexAsync()
    {
        var index = new ElasticsearchOfferingIndex(
            _client!,
            _options! with { IndexAlias = $"marketplace-test-{Guid.NewGuid():N}" },
            Thesaurus.Default);
        _created.Add(index);
        await index.EnsureCreatedAsync(CancellationToken.None);
        return index;
    }

    protected override Task RefreshAsync(IOfferingIndex index) => ((ElasticsearchOfferingIndex)index).RefreshAsync(CancellationToken.None);

    /// <summary>Of the dev sets' items, at least this share must have the same best match on both engines…</summary>
    private const double SameTopShare = 0.9;

    /// <summary>…and each set's nDCG@10 must be within this of the embedded engine's.</summary>
    private const double NdcgTolerance = 0.03;

    /// <summary>
    /// Both engines rank with BM25 (k1 1.2, b 0.75) and the matcher re-ranks their candidates alike, so matching the dev sets
    /// over Elasticsearch must give the embedded engine's top results. The analysis differs (Elasticsearch's
    /// bigrams only, the embedded engine's words and bigrams), so the check allows a few items to differ and prints them.
    /// </summary>
    [Test]
    public async Task Matching_the_dev_sets_gives_the_top_results_of_the_embedded_engine()
    {
        var folders = Matching.MatchingEvaluation.DatasetFolders(Matching.MatchingEvaluation.AllDevSets);
        if (folders.Count == 0)
        {
            Assert.Ignore("No dev sets found (../shared/eval-dev*): matching conformance skipped");
        }
        var items = 0;
        var sameTop = 0;
        foreach (var folder in folders)
        {
            var data = Marketplace.Eval.EvalDataset.Load(folder);
            var embedded = await Matching.MatchingEvaluation.RunAsync(data);
            var es = (ElasticsearchOfferingIndex)await CreateIndexAsync();
            var elastic = await Matching.MatchingEvaluation.RankAsync(data, es, () => es.RefreshAsync(CancellationToken.None));
            foreach (var (item, ranked) in embedded)
            {
                items++;
                var other = elastic.GetValueOrDefault(item) ?? [];
                if (ranked.FirstOrDefault() == other.FirstOrDefault())
                {
                    sameTop++;
                }
                else
                {
                    TestContext.Out.WriteLine($"{item}: embedded {string.Join(" ", ranked.Take(3))} | elasticsearch {string.Join(" ", other.Take(3))}");
                }
            }
            var lucene = Marketplace.Eval.RelevanceMetrics.Evaluate(data, embedded);
            var elasticsearch = Marketplace.Eval.RelevanceMetrics.Evaluate(data, elastic);
            TestContext.Out.WriteLine($"embedded {lucene.Line}");
            TestContext.Out.WriteLine($"elasticsearch {elasticsearch.Line}");
            Assert.That(elasticsearch.Ndcg, Is.EqualTo(lucene.Ndcg).Within(NdcgTolerance), data.Name);
        }
        Assert.That((double)sameTop / items, Is.GreaterThanOrEqualTo(SameTopShare), $"{sameTop} of {items} items have the same best match");
    }

    [TearDown]
    public async Task DeleteCreatedIndices()
    {
        foreach (var index in _created)
        {
            await index.DeleteAsync(CancellationToken.None);
        }
        _created.Clear();
    }
}
