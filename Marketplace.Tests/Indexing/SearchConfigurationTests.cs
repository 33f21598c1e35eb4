using System.Net;
using Marketplace.Core.Searching;
using Marketplace.Search.Elasticsearch;
using Marketplace.Search.Lucene;
using Marketplace.Tests.Api;
using Microsoft.Extensions.Options;

namespace Marketplace.Tests.Indexing;

public class SearchConfigurationTests
{
    [Test]
    public void The_embedded_default_is_Lucene_in_the_data_folder()
    {
        using var host = new SearchTestHost(settings: SearchTestHost.Settings());
        Assert.That(((Marketplace.Search.Indexing.AvailabilityGatedIndex)host.Service<IOfferingIndex>()).Engine, Is.InstanceOf<LuceneOfferingIndex>());
        Assert.That(Directory.Exists(Path.Combine(host.DataDirectory, "index")), Is.True);
        host.DisposeAndDelete();
    }

    [TestCase("Marketplace:Search:Elasticsearch:Url", "not a url")]
    [TestCase("Marketplace:Search:Elasticsearch:IndexAlias", "Upper Case")]
    [TestCase("Marketplace:Search:Indexer:BatchSize", "0")]
    [TestCase("Marketplace:Search:RebuildRamBufferMegabytes", "8")]
    [TestCase("Marketplace:Search:MaxConcurrentSearches", "-1")]
    [TestCase("Marketplace:Search:Indexer:RetainProcessed", "00:00:00")]
    public void Invalid_search_settings_stop_the_start_up(string key, string value)
    {
        var settings = SearchTestHost.Settings(("Marketplace:Search:Provider", "elasticsearch"), ("Marketplace:Search:Elasticsearch:Url", "http://127.0.0.1:9"), (key, value));
        var error = MarketplaceApp.StartUpFailure(() => new SearchTestHost(settings: settings), host => host.Client(), host => host.DisposeAndDelete());
        Assert.That(error, Is.InstanceOf<OptionsValidationException>().Or.InnerException.InstanceOf<OptionsValidationException>(), error.ToString());
    }

    [Test]
    public void The_rebuild_buffer_and_concurrency_settings_reach_the_embedded_engine()
    {
        using var host = new SearchTestHost(settings: SearchTestHost.Settings(
            ("Marketplace:Search:RebuildRamBufferMegabytes", "48"), ("Marketplace:Search:MaxConcurrentSearches", "3")));
        var index = (LuceneOfferingIndex)((Marketplace.Search.Indexing.AvailabilityGatedIndex)host.Service<IOfferingIndex>()).Engine;
        Assert.That(index.Options.RebuildRamBufferSizeMb, Is.EqualTo(48));
        Assert.That(index.Options.MaxConcurrentSearches, Is.EqualTo(3));
        host.DisposeAndDelete();
    }

    [Test]
    public async Task With_Elasticsearch_unreachable_the_API_serves_publishing_and_search_answers_503()
    {
        var host = new SearchTestHost(settings: SearchTestHost.Settings(
            ("Marketplace:Search:Provider", "elasticsearch"),
            ("Marketplace:Search:Elasticsearch:Url", "http://127.0.0.1:9"),
            ("Marketplace:Search:Elasticsearch:RequestTimeoutSeconds", "2")));
        try
        {
            Assert.That(((Marketplace.Search.Indexing.AvailabilityGatedIndex)host.Service<IOfferingIndex>()).Engine, Is.InstanceOf<ElasticsearchOfferingIndex>());
            var integrator = await host.CreateIntegratorAsync();
            await host.PublishAsync(integrator, MarketplaceApp.OfferingBody());
            var search = await host.Client().GetAsync("/api/v1/offerings/search?q=弧焊");
            await ProblemAssert.IsProblemAsync(search, HttpStatusCode.ServiceUnavailable);
            Assert.That(await host.Service<SearchOutbox>().PendingCountAsync(CancellationToken.None), Is.EqualTo(1), "kept for when the engine is back");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }
}
