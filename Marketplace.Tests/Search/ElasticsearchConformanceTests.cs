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
