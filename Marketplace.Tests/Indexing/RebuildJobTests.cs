using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Core.Searching;
using Marketplace.Search.Elasticsearch;
using Marketplace.Search.Lucene;
using Marketplace.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Tests.Indexing;

public class RebuildJobTests
{
    [Test]
    public async Task A_rebuild_job_runs_to_completion_and_search_still_answers()
    {
        var host = new SearchTestHost(settings: SearchTestHost.Settings(("Marketplace:Search:RebuildBatchSize", "2")));
        try
        {
            var integrator = await host.CreateIntegratorAsync();
            var ids = new List<Guid>();
            for (var n = 0; n < 5; n++)
            {
                ids.Add(await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: $"重建测试智能立体仓库{n}", direction: "general",
                    subDirections: ["general.smart-warehouse"], keywords: ["立体仓库"])));
            }
            var retired = await host.Operator().PostAsync($"/api/v1/offerings/{ids[0]}/retire", null);
            Assert.That(retired.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await SearchTestHost.EventuallyAsync(async () => SearchTestHost.Ids(await host.SearchAsync("?q=立体仓库")).Count == 4, TimeSpan.FromSeconds(10), "indexed");

            var accepted = await host.Operator().PostAsync("/api/v1/admin/search/rebuild", null);
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await accepted.Content.ReadAsStringAsync());
            var job = await MarketplaceApp.ReadJsonAsync(accepted);
            Assert.That(job["kind"]!.GetValue<string>(), Is.EqualTo("search-rebuild"));
            Assert.That(job["status"]!.GetValue<string>(), Is.AnyOf("queued", "running", "succeeded"));
            var location = accepted.Headers.Location!.ToString();
            Assert.That(location, Is.EqualTo($"/api/v1/admin/jobs/{job["id"]!.GetValue<string>()}"));

            JsonObject current = job;
            await SearchTestHost.EventuallyAsync(async () =>
            {
                current = JsonNode.Parse(await host.Operator().GetStringAsync(location))!.AsObject();
                return current["status"]!.GetValue<string>() is "succeeded" or "failed";
            }, TimeSpan.FromSeconds(30), "the job finishes");
            Assert.That(current["status"]!.GetValue<string>(), Is.EqualTo("succeeded"), current.ToJsonString());
            Assert.That(current["processed"]!.GetValue<long>(), Is.EqualTo(4));
            Assert.That(current["total"]!.GetValue<long>(), Is.EqualTo(4));
            Assert.That(current["startedAt"], Is.Not.Null);
            Assert.That(current["finishedAt"], Is.Not.Null);
            Assert.That(current["error"], Is.Null);

            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=立体仓库")), Is.EquivalentTo(ids.Skip(1)), "the rebuilt index has the live offerings only");
            var afterwards = await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "重建之后的立体仓库", direction: "general",
                subDirections: ["general.smart-warehouse"]));
            await SearchTestHost.EventuallyAsync(async () => SearchTestHost.Ids(await host.SearchAsync("?q=立体仓库")).Contains(afterwards),
                TimeSpan.FromSeconds(5), "writes reach the swapped-in index");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task A_rebuild_job_that_fails_part_way_is_recorded_and_the_previous_index_stays_live()
    {
        var host = new SearchTestHost(settings: SearchTestHost.Settings(("Marketplace:Search:RebuildBatchSize", "2")),
            services: s => s.AddSingleton<IOfferingIndex>(sp => new FailingRebuilds(sp.GetRequiredService<LuceneOfferingIndex>(),
                batch => batch >= 2 ? new IOException("injected: disk full") : null)));
        try
        {
            var integrator = await host.CreateIntegratorAsync();
            var ids = new List<Guid>();
            for (var n = 0; n < 5; n++)
            {
                ids.Add(await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: $"失败重建测试智能立体仓库{n}", direction: "general",
                    subDirections: ["general.smart-warehouse"], keywords: ["立体仓库"])));
            }
            await SearchTestHost.EventuallyAsync(async () => SearchTestHost.Ids(await host.SearchAsync("?q=立体仓库")).Count == 5, TimeSpan.FromSeconds(10), "indexed");

            var job = await RebuildAsync(host);
            Assert.That(job["status"]!.GetValue<string>(), Is.EqualTo("failed"), job.ToJsonString());
            Assert.That(job["error"]!.GetValue<string>(), Is.EqualTo("IOException: injected: disk full"));
            Assert.That(job["processed"]!.GetValue<long>(), Is.EqualTo(2), "the first batch only");

            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=立体仓库")), Is.EquivalentTo(ids), "the previous index still serves");
            var afterwards = await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "失败重建之后的立体仓库", direction: "general",
                subDirections: ["general.smart-warehouse"]));
            await SearchTestHost.EventuallyAsync(async () => SearchTestHost.Ids(await host.SearchAsync("?q=立体仓库")).Contains(afterwards),
                TimeSpan.FromSeconds(5), "writes still reach the live index");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    /// <summary>An engine turning a batch away once (Elasticsearch's 429 for a full write queue) does not fail the rebuild.</summary>
    [Test]
    public async Task A_rebuild_batch_turned_away_once_is_retried()
    {
        var host = new SearchTestHost(settings: SearchTestHost.Settings(("Marketplace:Search:RebuildBatchSize", "2")),
            services: s => s.AddSingleton<IOfferingIndex>(sp => new FailingRebuilds(sp.GetRequiredService<LuceneOfferingIndex>(),
                batch => batch == 2 ? new ElasticsearchRequestException("bulk", 429, "injected: es_rejected_execution_exception") : null)));
        try
        {
            var integrator = await host.CreateIntegratorAsync();
            for (var n = 0; n < 5; n++)
            {
                await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: $"重试重建测试智能立体仓库{n}", direction: "general",
                    subDirections: ["general.smart-warehouse"], keywords: ["立体仓库"]));
            }
            await SearchTestHost.EventuallyAsync(async () => SearchTestHost.Ids(await host.SearchAsync("?q=立体仓库")).Count == 5, TimeSpan.FromSeconds(10), "indexed");

            var job = await RebuildAsync(host);
            Assert.That(job["status"]!.GetValue<string>(), Is.EqualTo("succeeded"), job.ToJsonString());
            Assert.That(job["processed"]!.GetValue<long>(), Is.EqualTo(5));
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task Jobs_are_for_operators_and_unknown_ones_are_404()
    {
        var host = new SearchTestHost(settings: SearchTestHost.Settings());
        try
        {
            var integrator = await host.CreateIntegratorAsync();
            await ProblemAssert.IsProblemAsync(await host.Client().PostAsync("/api/v1/admin/search/rebuild", null), HttpStatusCode.Unauthorized);
            await ProblemAssert.IsProblemAsync(await host.Client(integrator).PostAsync("/api/v1/admin/search/rebuild", null), HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(await host.Client(integrator).GetAsync($"/api/v1/admin/jobs/{Guid.NewGuid()}"), HttpStatusCode.NotFound); // others read only the jobs they started (imports)
            await ProblemAssert.IsProblemAsync(await host.Operator().GetAsync($"/api/v1/admin/jobs/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    /// <summary>The real index, whose rebuilds fail each time a batch (numbered from 1, retries counted) has an exception.</summary>
    private sealed class FailingRebuilds(IOfferingIndex inner, Func<int, Exception?> failure) : IOfferingIndex
    {
        public Task<IndexOpening> EnsureCreatedAsync(CancellationToken ct) => inner.EnsureCreatedAsync(ct);

        public Task<IReadOnlyDictionary<Guid, IndexedVersion>> ReadVersionsAsync(CancellationToken ct) => inner.ReadVersionsAsync(ct);

        public Task WriteAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct) => inner.WriteAsync(documents, ct);

        public Task<OfferingSearchResult> SearchAsync(OfferingSearchRequest request, CancellationToken ct) => inner.SearchAsync(request, ct);

        public async Task<IIndexRebuild> BeginRebuildAsync(CancellationToken ct) => new Rebuild(await inner.BeginRebuildAsync(ct), failure);

        public Task<bool> IsHealthyAsync(CancellationToken ct) => inner.IsHealthyAsync(ct);

        private sealed class Rebuild(IIndexRebuild rebuild, Func<int, Exception?> failure) : IIndexRebuild
        {
            private int _batches;

            public Task AddAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct) =>
                failure(++_batches) is { } e ? throw e : rebuild.AddAsync(documents, ct);

            public Task SwapAsync(CancellationToken ct) => rebuild.SwapAsync(ct);

            public ValueTask DisposeAsync() => rebuild.DisposeAsync();
        }
    }

    /// <summary>Starts a rebuild as the operator and waits until its job has finished; returns the job.</summary>
    private static async Task<JsonObject> RebuildAsync(SearchTestHost host)
    {
        var accepted = await host.Operator().PostAsync("/api/v1/admin/search/rebuild", null);
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await accepted.Content.ReadAsStringAsync());
        var location = accepted.Headers.Location!.ToString();
        JsonObject job = new();
        await SearchTestHost.EventuallyAsync(async () =>
        {
            job = JsonNode.Parse(await host.Operator().GetStringAsync(location))!.AsObject();
            return job["status"]!.GetValue<string>() is "succeeded" or "failed";
        }, TimeSpan.FromSeconds(30), "the job finishes");
        return job;
    }
}
