using System.Net;
using System.Net.Http.Json;
using Marketplace.Tests.Api;
using Marketplace.Tests.Indexing;

namespace Marketplace.Tests.Reliability;

/// <summary>
/// With the search engine down, everything that searches — the catalog search and the matching of a submitted demand list —
/// answers 503 with Retry-After (never a 500), stores nothing half-done, and works again once the engine is back.
/// </summary>
public class MatchingDuringOutageTests
{
    [Test]
    public async Task Lucene_engine_failing()
    {
        var host = new SearchTestHost(settings: new Dictionary<string, string?>(SearchTestHost.FastRecovery), injectFaults: true);
        try
        {
            await AnswersUnavailableThenRecoversAsync(host, down => host.Faults.Down = down);
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task Elasticsearch_answering_503()
    {
        await using var engine = await StandInElasticsearch.StartAsync();
        var host = new SearchTestHost(settings: new Dictionary<string, string?>(SearchTestHost.FastRecovery)
        {
            ["Marketplace:Search:Provider"] = "elasticsearch",
            ["Marketplace:Search:Elasticsearch:Url"] = engine.Url.ToString(),
            ["Marketplace:Search:Elasticsearch:IndexAlias"] = "mk-matching-outage",
            ["Marketplace:Search:ReconcileInterval"] = "00:00:00",
        });
        try
        {
            await AnswersUnavailableThenRecoversAsync(host, down => engine.Mode = down ? StandInElasticsearch.Behaviour.Failing : StandInElasticsearch.Behaviour.Up);
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    private static async Task AnswersUnavailableThenRecoversAsync(SearchTestHost host, Action<bool> setDown)
    {
        var enterprise = host.Client(await host.CreateOrganizationAsync("enterprise"));
        var list = new { title = "焊接改造", items = new[] { new { text = "车架焊缝宽窄不一，想上焊接机器人" } } };
        await SearchTestHost.EventuallyAsync(async () => (await host.Client().GetAsync("/api/v1/offerings/search?q=焊接")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "search answers once the index is ready");

        setDown(true);
        foreach (var response in new[]
                 {
                     await host.Client().GetAsync("/api/v1/offerings/search?q=焊接"),
                     await enterprise.PostAsJsonAsync("/api/v1/demand-lists", list),
                 })
        {
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)), response.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("retry"));
            Assert.That(problem.ToJsonString(), Does.Not.Contain("Exception").And.Not.Contain("injected"), "no internals");
        }
        var stored = await MarketplaceApp.ReadJsonAsync(await enterprise.GetAsync("/api/v1/demand-lists"));
        Assert.That(stored["total"]!.GetValue<int>(), Is.Zero, "a list that could not be matched is not stored half-done");

        setDown(false);
        await SearchTestHost.EventuallyAsync(async () => (await host.Client().GetAsync("/api/v1/offerings/search?q=焊接")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "search answers again after the recovery");
        var created = await enterprise.PostAsJsonAsync("/api/v1/demand-lists", list);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
    }
}
