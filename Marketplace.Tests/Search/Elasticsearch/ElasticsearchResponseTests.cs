using Marketplace.Core.Searching;
using Marketplace.Search.Elasticsearch;
using Marketplace.Search.Resilience;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace Marketplace.Tests.Search.Elasticsearch;

/// <summary>How the engine reads Elasticsearch's answers: results, facets, cursors and failures.</summary>
public sealed class ElasticsearchResponseTests
{
    private const string Alias = "mk-test";

    [Test]
    public async Task A_search_response_becomes_hits_total_facets_and_a_cursor()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, CannedResponses.SearchPage);

        var result = await es.CreateIndex().SearchAsync(new OfferingSearchRequest { Text = "弧焊机器人", Limit = 2 }, CancellationToken.None);

        var first = result.Hits[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Total, Is.EqualTo(5));
            Assert.That(result.Hits.Select(h => h.Id), Is.EqualTo(new[] { CannedResponses.FirstId, CannedResponses.SecondId }));
            Assert.That(first.RevisionId, Is.EqualTo(CannedResponses.FirstRevision));
            Assert.That(first.Score, Is.EqualTo(7.25));
            Assert.That(first.Title, Is.EqualTo("弧焊机器人工作站"));
            Assert.That(first.SupplierName, Is.EqualTo("重庆某智能装备公司"));
            Assert.That(first.Districts, Is.EqualTo(new[] { "两江新区", "全市" }));
            Assert.That(first.PriceMaxYuan, Is.EqualTo(80_000));
            Assert.That(first.ImplementationDays, Is.EqualTo(45));
            Assert.That(first.PublishedAt, Is.EqualTo(new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.FromHours(8))));
            Assert.That(first.Highlights, Is.EqualTo(new[] { "汽摩零部件<em>弧焊</em>自动化", "焊缝跟踪<em>弧焊</em>" }), "summary first, then description");
            Assert.That(first.MatchedTerms, Is.EqualTo(new[] { "弧焊机器人", "焊接机器人" }));
            Assert.That(result.Hits[1].MatchedTerms, Is.EqualTo(new[] { "焊接机器人" }));
            Assert.That(result.Hits[1].Highlights, Is.Empty);

            Assert.That(result.Facets.Keys, Is.EquivalentTo(FacetNames.All));
            Assert.That(result.Facets[FacetNames.Direction], Is.EqualTo(new[] { new FacetCount("smart-manufacturing", 4), new FacetCount("industrial-internet", 1) }));
            Assert.That(result.Facets[FacetNames.District], Is.EqualTo(new[] { new FacetCount("全市", 5), new FacetCount("两江新区", 1) }));
            Assert.That(result.Facets[FacetNames.Deployment], Is.Empty);

            Assert.That(result.NextCursor, Is.Not.Null.And.Match("^[A-Za-z0-9_-]+$"), "base64url");
        }
    }

    /// <summary>The words of the query a hit matched, in the query's order, as the embedded engine lists them (the matcher shows them).</summary>
    [Test]
    public async Task Matched_terms_are_the_query_words_whose_clauses_matched()
    {
        var page = CannedResponses.SearchPage.Replace("""["term:焊接机器人", "term:弧焊机器人"]""", """["term:工艺", "term:弧焊机器人"]""");
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, page);

        var result = await es.CreateIndex().SearchAsync(new OfferingSearchRequest { Text = "弧焊机器人 焊接工艺", Limit = 2 }, CancellationToken.None);

        Assert.That(result.Hits[0].MatchedTerms, Is.EqualTo(new[] { "弧焊机器人", "工艺" }));
    }

    [Test]
    public async Task The_last_page_has_no_cursor()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, CannedResponses.SearchPage);

        var result = await es.CreateIndex().SearchAsync(new OfferingSearchRequest { Offset = 3, Limit = 2 }, CancellationToken.None);

        Assert.That(result.NextCursor, Is.Null, "offset 3 + 2 hits = total 5");
    }

    [TestCase("not base64 !!")]
    [TestCase("e30")] // {}
    [TestCase("WzEsMl0")] // [1,2]
    public void A_malformed_cursor_is_an_invalid_request(string cursor)
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, CannedResponses.SearchPage);

        var ex = Assert.ThrowsAsync<InvalidSearchRequestException>(() =>
            es.CreateIndex().SearchAsync(new OfferingSearchRequest { Cursor = cursor }, CancellationToken.None));

        Assert.That(ex!.Field, Is.EqualTo("cursor"));
        Assert.That(es.Requests, Is.Empty, "nothing is sent for an invalid request");
    }

    [Test]
    public async Task A_cursor_from_another_sort_is_an_invalid_request()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, CannedResponses.SearchPage);
        var index = es.CreateIndex();
        var page = await index.SearchAsync(new OfferingSearchRequest { Limit = 2 }, CancellationToken.None);

        var ex = Assert.ThrowsAsync<InvalidSearchRequestException>(() =>
            index.SearchAsync(new OfferingSearchRequest { Limit = 2, Sort = SearchSort.Newest, Cursor = page.NextCursor }, CancellationToken.None));

        Assert.That(ex!.Field, Is.EqualTo("cursor"));
    }

    [Test]
    public async Task A_cursor_continues_only_the_search_it_was_issued_for()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, CannedResponses.SearchPage);
        var index = es.CreateIndex();
        var page = await index.SearchAsync(new OfferingSearchRequest { Text = "焊接", Limit = 2 }, CancellationToken.None);

        var ex = Assert.ThrowsAsync<InvalidSearchRequestException>(() =>
            index.SearchAsync(new OfferingSearchRequest { Text = "喷涂", Limit = 2, Cursor = page.NextCursor }, CancellationToken.None));

        Assert.That(ex!.Message, Does.StartWith("cursor 来自另一组查询条件"));
        // Other boost terms (the API reads them from the text, with a model that may be rebuilt between pages) continue it.
        Assert.DoesNotThrowAsync(() => index.SearchAsync(
            new OfferingSearchRequest { Text = "焊接", Limit = 2, Cursor = page.NextCursor, BoostTerms = [new("焊接机器人", 0.8f)] }, CancellationToken.None));
    }

    [Test]
    public void A_503_becomes_a_typed_transient_exception()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 503, CannedResponses.ServiceUnavailable);

        var ex = Assert.ThrowsAsync<ElasticsearchRequestException>(() =>
            es.CreateIndex().SearchAsync(new OfferingSearchRequest { Text = "云" }, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(503));
            Assert.That(ex.IsTransient, Is.True);
            Assert.That(ex.Message, Does.Contain("cluster_block_exception"));
            Assert.That(SearchResilience.IsTransient(ex), Is.True);
        }
    }

    [Test]
    public void An_unreachable_node_is_a_transient_failure_without_status()
    {
        var es = new CannedElasticsearch(Alias) { Unreachable = true };

        var ex = Assert.ThrowsAsync<ElasticsearchRequestException>(() =>
            es.CreateIndex().WriteAsync([ElasticsearchRequestBodyTests.Doc("云MES")], CancellationToken.None));

        Assert.That(ex!.StatusCode, Is.Null);
        Assert.That(SearchResilience.IsTransient(ex), Is.True);
    }

    [Test]
    public async Task An_unreachable_node_is_unhealthy()
    {
        var es = new CannedElasticsearch(Alias) { Unreachable = true };

        Assert.That(await es.CreateIndex().IsHealthyAsync(CancellationToken.None), Is.False);
    }

    [Test]
    public void A_400_is_not_transient()
    {
        var doc = ElasticsearchRequestBodyTests.Doc("云MES");
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_bulk", 400, CannedResponses.BadRequest);

        var ex = Assert.ThrowsAsync<ElasticsearchRequestException>(() => es.CreateIndex().WriteAsync([doc], CancellationToken.None));

        Assert.That(ex!.StatusCode, Is.EqualTo(400));
        Assert.That(SearchResilience.IsTransient(ex), Is.False);
    }

    [Test]
    public async Task The_write_pipeline_retries_a_503_bulk_until_it_succeeds()
    {
        var doc = ElasticsearchRequestBodyTests.Doc("云MES");
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_bulk",
            (503, CannedResponses.ServiceUnavailable),
            (503, CannedResponses.ServiceUnavailable),
            (200, ElasticsearchRequestBodyTests.BulkResponse((doc.Id, 201))));
        var index = es.CreateIndex();
        var pipeline = SearchResilience.CreateWritePipeline(ElasticsearchResilienceTestOptions.Fast);

        await pipeline.ExecuteAsync(async ct => await index.WriteAsync([doc], ct), CancellationToken.None);

        Assert.That(es.Requests.Count(r => r.Path.Contains("/_bulk", StringComparison.Ordinal)), Is.EqualTo(3));
    }

    [Test]
    public async Task A_version_conflict_on_a_bulk_item_is_a_skipped_stale_write()
    {
        var fresh = ElasticsearchRequestBodyTests.Doc("云MES", version: 5);
        var stale = ElasticsearchRequestBodyTests.Doc("旧版本", version: 2);
        var es = new CannedElasticsearch(Alias)
            .On(HttpMethod.POST, "/_bulk", 200, ElasticsearchRequestBodyTests.BulkResponse((fresh.Id, 201), (stale.Id, 409)))
            .On(HttpMethod.POST, "/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""");

        await es.CreateIndex().WriteAsync([fresh, stale], CancellationToken.None);

        Assert.That(es.Requests.Select(r => r.Path.Split('?')[0]), Is.EqualTo(new[] { $"/{Alias}/_bulk", $"/{Alias}/_refresh" }),
            "no error; the newer version the conflict met is made searchable, as the write's own documents are (wait_for)");
    }

    /// <summary>
    /// A write the index already holds (a repeated delivery, another node's write) answers 409 at once: wait_for has nothing
    /// of this request to wait for, and the re-match that searches next must see the newer version.
    /// </summary>
    [Test]
    public async Task A_write_that_met_only_conflicts_refreshes_before_it_returns_and_a_clean_one_does_not()
    {
        var doc = ElasticsearchRequestBodyTests.Doc("云MES", version: 2);
        var conflicted = new CannedElasticsearch(Alias)
            .On(HttpMethod.POST, "/_bulk", 200, ElasticsearchRequestBodyTests.BulkResponse((doc.Id, 409)))
            .On(HttpMethod.POST, "/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""");
        var clean = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_bulk", 200, ElasticsearchRequestBodyTests.BulkResponse((doc.Id, 201)));

        await conflicted.CreateIndex().WriteAsync([doc], CancellationToken.None);
        await clean.CreateIndex().WriteAsync([doc], CancellationToken.None);

        Assert.That(conflicted.Requests.Select(r => r.Path.Split('?')[0]), Is.EqualTo(new[] { $"/{Alias}/_bulk", $"/{Alias}/_refresh" }));
        Assert.That(clean.Requests.Select(r => r.Path.Split('?')[0]), Is.EqualTo(new[] { $"/{Alias}/_bulk" }), "wait_for covers its own writes");
    }

    [Test]
    public void A_rejected_bulk_item_raises_with_its_status()
    {
        var a = ElasticsearchRequestBodyTests.Doc("云MES");
        var b = ElasticsearchRequestBodyTests.Doc("数字孪生");
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_bulk", 200, ElasticsearchRequestBodyTests.BulkResponse((a.Id, 409), (b.Id, 429)));

        var ex = Assert.ThrowsAsync<ElasticsearchRequestException>(() => es.CreateIndex().WriteAsync([a, b], CancellationToken.None));

        Assert.That(ex!.StatusCode, Is.EqualTo(429));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.Message, Does.Contain(b.Id.ToString()));
    }

    [Test]
    public async Task Health_is_reported_from_cluster_health()
    {
        var green = new CannedElasticsearch(Alias).On(HttpMethod.GET, $"/_cluster/health/{Alias}", 200, """{"cluster_name":"c","status":"green","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,"active_primary_shards":1,"active_shards":1,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":0,"unassigned_primary_shards":0,"delayed_unassigned_shards":0,"number_of_pending_tasks":0,"number_of_in_flight_fetch":0,"task_max_waiting_in_queue_millis":0,"active_shards_percent_as_number":100.0}""");
        var red = new CannedElasticsearch(Alias).On(HttpMethod.GET, $"/_cluster/health/{Alias}", 503, CannedResponses.ServiceUnavailable);

        Assert.That(await green.CreateIndex().IsHealthyAsync(CancellationToken.None), Is.True);
        Assert.That(await red.CreateIndex().IsHealthyAsync(CancellationToken.None), Is.False);
    }

    [Test]
    public void Options_are_validated()
    {
        var url = new Uri("http://localhost:9200");
        using (Assert.EnterMultipleScope())
        {
            Assert.DoesNotThrow(() => new ElasticsearchOptions { Url = url }.Validate());
            Assert.DoesNotThrow(() => new ElasticsearchOptions { Url = url, ApiKey = "k" }.Validate());
            Assert.DoesNotThrow(() => new ElasticsearchOptions { Url = url, Username = "u", Password = "p" }.Validate());
            Assert.Throws<ArgumentException>(() => new ElasticsearchOptions { Url = new Uri("/relative", UriKind.Relative) }.Validate());
            Assert.Throws<ArgumentException>(() => new ElasticsearchOptions { Url = url, ApiKey = "k", Username = "u", Password = "p" }.Validate());
            Assert.Throws<ArgumentException>(() => new ElasticsearchOptions { Url = url, Username = "u" }.Validate());
            Assert.Throws<ArgumentException>(() => new ElasticsearchOptions { Url = url, IndexAlias = "Upper" }.Validate());
            Assert.Throws<ArgumentException>(() => new ElasticsearchOptions { Url = url, IndexAlias = "_x" }.Validate());
        }
    }
}
