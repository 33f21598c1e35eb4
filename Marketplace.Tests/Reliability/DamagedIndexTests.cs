using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Searching;
using Marketplace.Search.Indexing;
using Marketplace.Search.Lucene;
using Marketplace.Tests.Api;
using Marketplace.Tests.Indexing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Tests.Reliability;

/// <summary>
/// Issue 9 item 3: a corrupt or missing Lucene index at start-up never stops the API. It is rebuilt from the database in
/// the background; meanwhile searches answer 503 (or an older intact generation answers), readiness reports storage as
/// healthy and search as degraded, and publishing works.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class DamagedIndexTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task A_corrupt_index_is_rebuilt_in_the_background_while_search_answers_503_and_publishing_goes_on()
    {
        var data = NewDataDirectory();
        var published = await PublishAndStopAsync(data, 3);
        var index = Path.Combine(data, "index");
        var generation = Path.GetFileName(IndexFolder.CurrentGeneration(index));
        CorruptCompoundFiles(Path.Combine(index, generation));

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = new SearchTestHost(data, SearchTestHost.Settings(), services: s => HoldRebuildSwaps(s, release.Task));
        try
        {
            var ready = await ReadyAsync(host);
            Assert.That(ready["status"]!.GetValue<string>(), Is.EqualTo("Degraded"));
            Assert.That(ready["entries"]!["storage"]!["status"]!.GetValue<string>(), Is.EqualTo("Healthy"));
            var search = ready["entries"]!["search"]!;
            Assert.That(search["status"]!.GetValue<string>(), Is.EqualTo("Degraded"));
            Assert.That(search["description"]!.GetValue<string>(), Does.Contain("damaged").And.Contain("503"));
            Assert.That(search["data"]!["availability"]!.GetValue<string>(), Is.EqualTo("unavailable"));

            var refused = await host.Client().GetAsync("/api/v1/offerings/search?q=数控机床");
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("rebuilt from the database"));
            foreach (var shown in new[] { problem["detail"]!.GetValue<string>(), search["description"]!.GetValue<string>() })
            {
                Assert.That(shown, Does.Not.Contain(data).And.Not.Contain("Exception").And.Not.Contain(".cfs"),
                    "anonymous callers learn what happened, not the engine's internals (those are in the log)");
            }
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.Not.Null);

            var enterprise = await host.Operator().PostAsJsonAsync("/api/v1/organizations", new Dictionary<string, object?>
            {
                ["kind"] = "enterprise", ["name"] = "修复期间的企业", ["creditCode"] = MarketplaceApp.NewCreditCode(), ["district"] = "璧山区",
                ["industry"] = "摩托车零部件制造", ["scale"] = "规下高成长",
            });
            var enterpriseKey = (await MarketplaceApp.ReadJsonAsync(enterprise))["apiKey"]!.GetValue<string>();
            var demand = await host.Client(enterpriseKey).PostAsJsonAsync("/api/v1/demand-lists",
                new { items = new[] { new { text = "几十台数控机床想联网看开机率" } } });
            Assert.That(demand.StatusCode, Is.EqualTo(HttpStatusCode.Created), "the owner's list is stored during the repair");
            var demandList = await MarketplaceApp.ReadJsonAsync(demand);
            Assert.That(demandList["matchPending"]!.GetValue<bool>(), Is.True, "matching needs the index: the list waits for it");

            var integrator = await host.CreateIntegratorAsync();
            var during = await host.PublishAsync(integrator, Offering("修复期间发布"));
            Assert.That((await host.Client().GetAsync($"/api/v1/offerings/{during}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "publishing and reads work");

            release.SetResult();
            await SearchTestHost.EventuallyAsync(async () => (await host.Client().GetAsync("/api/v1/offerings/search?q=数控机床")).StatusCode == HttpStatusCode.OK,
                Patience, "search answers once the rebuild is swapped in");
            await SearchTestHost.EventuallyAsync(async () =>
                SearchTestHost.Ids(await host.SearchAsync("?q=数控机床&pageSize=50")).ToHashSet().SetEquals(published.Append(during)),
                Patience, "the rebuilt index holds every published offering, the one published during the repair too");
            Assert.That((await ReadyAsync(host))["entries"]!["search"]!["status"]!.GetValue<string>(), Is.EqualTo("Healthy"));
            await SearchTestHost.EventuallyAsync(async () =>
                !(await MarketplaceApp.ReadJsonAsync(await host.Client(enterpriseKey).GetAsync($"/api/v1/demand-lists/{demandList["id"]}")))["matchPending"]!.GetValue<bool>(),
                Patience, "the list stored during the repair is matched once search answers");
            Assert.That(Directory.Exists(Path.Combine(index, "damaged-" + generation)), Is.True, "the damaged generation is kept aside for inspection");
            await SearchTestHost.EventuallyAsync(async () => await host.Service<SearchOutbox>().PendingCountAsync(CancellationToken.None) == 0,
                Patience, "the outbox drains after the repair");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task A_restart_before_the_start_up_rebuild_is_swapped_in_rebuilds_again_rather_than_serving_an_empty_index()
    {
        var data = NewDataDirectory();
        var published = await PublishAndStopAsync(data, 3);
        IndexFolder.Delete(Path.Combine(data, "index"));

        // First start: the rebuild runs but is never swapped in, and the node stops (as a kill or a deploy would stop it).
        var interrupted = new SearchTestHost(data, SearchTestHost.Settings(), services: s => HoldRebuildSwaps(s, new TaskCompletionSource().Task));
        await ProblemAssert.IsProblemAsync(await interrupted.Client().GetAsync("/api/v1/offerings/search?q=数控机床"), HttpStatusCode.ServiceUnavailable);
        interrupted.Dispose();

        var host = new SearchTestHost(data, SearchTestHost.Settings());
        try
        {
            var first = await host.Client().GetAsync("/api/v1/offerings/search?q=数控机床");
            if (first.StatusCode == HttpStatusCode.OK)
            {
                Assert.That(SearchTestHost.Ids(await MarketplaceApp.ReadJsonAsync(first)).ToHashSet(), Is.EquivalentTo(published),
                    "never an empty catalog served as if it were whole");
            }
            else
            {
                await ProblemAssert.IsProblemAsync(first, HttpStatusCode.ServiceUnavailable);
            }
            await RebuiltAsync(host, published, "the index is rebuilt from the database again");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task A_missing_index_folder_is_rebuilt_from_the_database()
    {
        var data = NewDataDirectory();
        var published = await PublishAndStopAsync(data, 2);
        IndexFolder.Delete(Path.Combine(data, "index"));

        var host = new SearchTestHost(data, SearchTestHost.Settings());
        try
        {
            Assert.That((await host.Client().GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await RebuiltAsync(host, published, "the index is rebuilt from the database");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task A_real_node_whose_index_is_missing_reports_ready_without_waiting_for_the_rebuild_or_its_http_warm_up()
    {
        var data = NewDataDirectory();
        var published = await PublishAndStopAsync(data, 2);
        IndexFolder.Delete(Path.Combine(data, "index"));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var node = await ApiProcess.StartAsync(data, "repair", new Dictionary<string, string?> { ["Marketplace:Search:HttpWarmUpSeconds"] = "60" });
        try
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(40)), $"ready without a 60 s warm-up of searches that answer 503:\n{node.LogTail()}");
            using var client = node.Client();
            var ready = JsonNode.Parse(await client.GetStringAsync("/health/ready"))!;
            Assert.That(ready["entries"]!["storage"]!["status"]!.GetValue<string>(), Is.EqualTo("Healthy"));
            Assert.That(ready["entries"]!["search"], Is.Not.Null);
            Assert.That(node.LogTail(lines: 10_000), Does.Contain("HTTP warm-up skipped"));
            await SearchTestHost.EventuallyAsync(async () =>
            {
                var response = await client.GetAsync("/api/v1/offerings/search?q=数控机床");
                return response.StatusCode == HttpStatusCode.OK
                    && SearchTestHost.Ids(await MarketplaceApp.ReadJsonAsync(response)).ToHashSet().SetEquals(published);
            }, Patience, "the index is rebuilt from the database");
        }
        finally
        {
            node.Dispose();
            MarketplaceApp.DeleteDirectory(data);
        }
    }

    [Test]
    public async Task When_the_current_generation_is_damaged_an_older_intact_one_answers_until_the_rebuild()
    {
        var data = NewDataDirectory();
        var index = Path.Combine(data, "index");
        var older = await PublishAndStopAsync(data, 2);
        var backup = Path.Combine(data, "older-generation");
        IndexFolder.Copy(IndexFolder.CurrentGeneration(index), backup);
        var newer = await PublishAndStopAsync(data, 1);

        // The current generation becomes gen-2 (then damaged); the older copy is gen-1.
        Directory.Move(Path.Combine(index, "gen-1"), Path.Combine(index, "gen-2"));
        File.WriteAllText(Path.Combine(index, LuceneOfferingIndex.GenerationPointerFile), "2");
        Directory.Move(backup, Path.Combine(index, "gen-1"));
        CorruptCompoundFiles(Path.Combine(index, "gen-2"));

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = new SearchTestHost(data, SearchTestHost.Settings(), services: s => HoldRebuildSwaps(s, release.Task));
        try
        {
            var search = (await ReadyAsync(host))["entries"]!["search"]!;
            Assert.That(search["status"]!.GetValue<string>(), Is.EqualTo("Degraded"));
            Assert.That(search["data"]!["availability"]!.GetValue<string>(), Is.EqualTo("serving-older-copy"));
            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=数控机床")), Is.EquivalentTo(older), "the older generation answers meanwhile");

            release.SetResult();
            await SearchTestHost.EventuallyAsync(async () =>
                SearchTestHost.Ids(await host.SearchAsync("?q=数控机床")).ToHashSet().SetEquals(older.Concat(newer)), Patience, "the rebuild brings it up to date");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    /// <summary>An index made for another mapping or document layout (an Elasticsearch index of an older version) is rebuilt, answering meanwhile.</summary>
    [Test]
    public async Task An_index_of_another_schema_version_is_rebuilt_while_it_answers()
    {
        var data = NewDataDirectory();
        var published = await PublishAndStopAsync(data, 2);

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = new SearchTestHost(data, SearchTestHost.Settings(), services: s => s.AddSingleton<IOfferingIndex>(sp => new AvailabilityGatedIndex(
            new OutdatedOpening(new HeldSwaps(sp.GetRequiredService<LuceneOfferingIndex>(), release.Task)), sp.GetRequiredService<SearchIndexStatus>())));
        try
        {
            var search = (await ReadyAsync(host))["entries"]!["search"]!;
            Assert.That(search["data"]!["availability"]!.GetValue<string>(), Is.EqualTo("serving-older-copy"));
            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=数控机床")), Is.EquivalentTo(published), "the outdated index answers meanwhile");

            release.SetResult();
            await SearchTestHost.EventuallyAsync(() => Task.FromResult(host.Service<SearchIndexStatus>().Availability == SearchAvailability.Ready), Patience,
                "a rebuild was queued and swapped in");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));

    private static Dictionary<string, object?> Offering(string title) =>
        MarketplaceApp.OfferingBody(title: $"{title}的数控机床联网方案", direction: "machinery", subDirections: ["machinery.machining"], keywords: ["数控机床"]);

    /// <summary>Publishes offerings on a host on <paramref name="data"/>, waits until they are indexed, and stops the host gracefully.</summary>
    private static async Task<Guid[]> PublishAndStopAsync(string data, int count)
    {
        using var host = new SearchTestHost(data, SearchTestHost.Settings());
        var integrator = await host.CreateIntegratorAsync();
        var ids = new List<Guid>();
        for (var n = 0; n < count; n++)
        {
            ids.Add(await host.PublishAsync(integrator, Offering($"损坏索引测试{Guid.NewGuid():N}"[..12])));
        }
        await SearchTestHost.EventuallyAsync(async () => await host.Service<SearchOutbox>().PendingCountAsync(CancellationToken.None) == 0, Patience, "indexed");
        return [.. ids];
    }

    /// <summary>Overwrites bytes in the middle of every compound file: what a bad disk or a partial copy leaves.</summary>
    private static void CorruptCompoundFiles(string generation)
    {
        var files = Directory.GetFiles(generation, "*.cfs");
        Assert.That(files, Is.Not.Empty, "the generation has compound files");
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = stream.Length / 2;
            stream.Write(Enumerable.Repeat((byte)0x5A, (int)Math.Min(64, stream.Length / 4)).ToArray());
        }
    }

    /// <summary>Waits until a search answers 200 with exactly the <paramref name="published"/> offerings.</summary>
    private static Task RebuiltAsync(SearchTestHost host, IEnumerable<Guid> published, string because) =>
        SearchTestHost.EventuallyAsync(async () =>
        {
            var response = await host.Client().GetAsync("/api/v1/offerings/search?q=数控机床");
            return response.StatusCode == HttpStatusCode.OK
                && SearchTestHost.Ids(await MarketplaceApp.ReadJsonAsync(response)).ToHashSet().SetEquals(published);
        }, Patience, because);

    private static async Task<JsonObject> ReadyAsync(SearchTestHost host)
    {
        var response = await host.Client().GetAsync("/health/ready");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "storage answers: the node is ready");
        return await MarketplaceApp.ReadJsonAsync(response);
    }

    /// <summary>The real Lucene index behind the availability gate, its rebuilds held before the swap until <paramref name="release"/>.</summary>
    private static void HoldRebuildSwaps(IServiceCollection services, Task release) =>
        services.AddSingleton<IOfferingIndex>(sp => new AvailabilityGatedIndex(
            new HeldSwaps(sp.GetRequiredService<LuceneOfferingIndex>(), release), sp.GetRequiredService<SearchIndexStatus>()));

    /// <summary>An index that opens as made for another schema version.</summary>
    private sealed class OutdatedOpening(IOfferingIndex inner) : IOfferingIndex
    {
        public async Task<IndexOpening> EnsureCreatedAsync(CancellationToken ct)
        {
            await inner.EnsureCreatedAsync(ct);
            return IndexOpening.Outdated;
        }

        public Task WriteAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct) => inner.WriteAsync(documents, ct);

        public Task<OfferingSearchResult> SearchAsync(OfferingSearchRequest request, CancellationToken ct) => inner.SearchAsync(request, ct);

        public Task<IIndexRebuild> BeginRebuildAsync(CancellationToken ct) => inner.BeginRebuildAsync(ct);

        public Task<bool> IsHealthyAsync(CancellationToken ct) => inner.IsHealthyAsync(ct);

        public Task<IReadOnlyDictionary<Guid, IndexedVersion>> ReadVersionsAsync(CancellationToken ct) => inner.ReadVersionsAsync(ct);
    }

    private sealed class HeldSwaps(IOfferingIndex inner, Task release) : IOfferingIndex
    {
        public Task<IndexOpening> EnsureCreatedAsync(CancellationToken ct) => inner.EnsureCreatedAsync(ct);

        public Task WriteAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct) => inner.WriteAsync(documents, ct);

        public Task<OfferingSearchResult> SearchAsync(OfferingSearchRequest request, CancellationToken ct) => inner.SearchAsync(request, ct);

        public async Task<IIndexRebuild> BeginRebuildAsync(CancellationToken ct) => new Held(await inner.BeginRebuildAsync(ct), release);

        public Task<bool> IsHealthyAsync(CancellationToken ct) => inner.IsHealthyAsync(ct);

        public Task<IReadOnlyDictionary<Guid, IndexedVersion>> ReadVersionsAsync(CancellationToken ct) => inner.ReadVersionsAsync(ct);

        private sealed class Held(IIndexRebuild rebuild, Task release) : IIndexRebuild
        {
            public Task AddAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct) => rebuild.AddAsync(documents, ct);

            public async Task SwapAsync(CancellationToken ct)
            {
                await release.WaitAsync(ct);
                await rebuild.SwapAsync(ct);
            }

            public ValueTask DisposeAsync() => rebuild.DisposeAsync();
        }
    }
}
