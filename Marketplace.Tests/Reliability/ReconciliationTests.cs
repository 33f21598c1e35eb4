using System.Net;
using System.Text.Json.Nodes;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Indexing;
using Marketplace.Search.Lucene;
using Marketplace.Tests.Api;
using Marketplace.Tests.Indexing;
using Directory = System.IO.Directory;

namespace Marketplace.Tests.Reliability;

/// <summary>
/// Issue 9 item 2: the index is compared with the database and repaired through the outbox — after documents were deleted
/// from the index folder behind the API's back, an old copy of the index was restored, and a document the database never
/// had was added.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class ReconciliationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task The_admin_operation_reports_missing_stale_and_extra_documents_and_repairs_them()
    {
        var data = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        var index = Path.Combine(data, "index");
        var off = SearchTestHost.Settings(("Marketplace:Search:ReconcileInterval", "00:00:00"));
        Guid[] ids;
        using (var first = new SearchTestHost(data, off))
        {
            var integrator = await first.CreateIntegratorAsync();
            ids = new Guid[4];
            for (var n = 0; n < ids.Length; n++)
            {
                ids[n] = await first.PublishAsync(integrator, Offering(n));
            }
            await DrainedAsync(first);
        }
        var backup = Path.Combine(data, "index-backup");
        IndexFolder.Copy(index, backup);
        using (var second = new SearchTestHost(data, off))
        {
            // After the backup: offering 3 is retired.
            Assert.That((await second.Operator().PostAsync($"/api/v1/offerings/{ids[3]}/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await DrainedAsync(second);
        }
        var settled = DateTimeOffset.UtcNow + SearchReconciler.Settling; // changes processed since are left out as in flight

        // The old copy comes back (without its outbox position, as from a file-level backup of the segments only) …
        IndexFolder.Delete(index);
        Directory.Move(backup, index);
        File.Delete(Path.Combine(index, OutboxFollower.PositionFile));
        // … two documents are deleted behind the API's back, and one the database never had is added.
        DeleteDocuments(index, ids[0], ids[1]);
        var stranger = Guid.NewGuid();
        await AddDocumentAsync(index, stranger);

        var host = new SearchTestHost(data, off);
        try
        {
            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=核对测试&pageSize=20")), Is.EquivalentTo(new[] { ids[2], ids[3], stranger }),
                "the damage is visible before the reconciliation");

            if (settled > DateTimeOffset.UtcNow)
            {
                await Task.Delay(settled - DateTimeOffset.UtcNow);
            }
            var dryRun = await ReconcileAsync(host, "?dryRun=true");
            Assert.That(Counts(dryRun), Is.EqualTo((2, 1, 1, 0)));
            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=核对测试&pageSize=20")), Has.Count.EqualTo(3), "a dry run repairs nothing");

            var report = await ReconcileAsync(host, "");
            Assert.That(Counts(report), Is.EqualTo((2, 1, 1, 4)));
            Assert.That(Samples(report, "missingSample"), Is.EquivalentTo(new[] { ids[0], ids[1] }));
            Assert.That(Samples(report, "staleSample"), Is.EqualTo(new[] { ids[3] }), "retired after the backup, still searchable in it");
            Assert.That(Samples(report, "extraSample"), Is.EqualTo(new[] { stranger }));
            Assert.That(report["databaseLive"]!.GetValue<int>(), Is.EqualTo(3));

            await SearchTestHost.EventuallyAsync(async () =>
                SearchTestHost.Ids(await host.SearchAsync("?q=核对测试&pageSize=20")).ToHashSet().SetEquals(ids.Take(3)), Patience, "search shows the right set");
            await DrainedAsync(host);
            await Task.Delay(SearchReconciler.Settling);
            var again = await ReconcileAsync(host, "");
            Assert.That(Counts(again), Is.EqualTo((0, 0, 0, 0)), again.ToJsonString());

            var status = JsonNode.Parse(await host.Operator().GetStringAsync("/api/v1/admin/search/status"))!;
            Assert.That(status["availability"]!.GetValue<string>(), Is.EqualTo("ready"));
            Assert.That(status["lastReconciliation"]!["drift"]!.GetValue<int>(), Is.Zero);
            Assert.That(status["outbox"]!["pending"]!.GetValue<long>(), Is.Zero);
            Assert.That(status["nodes"]!.AsArray().Select(n => n!["holderId"]!.GetValue<string>()), Does.Contain(status["node"]!.GetValue<string>()));
            Assert.That((await host.Client().PostAsync("/api/v1/admin/search/reconcile", null)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    /// <param name="interval">The periodic check's interval…</param>
    /// <param name="afterStart">…and its first pass after start-up: the case of 1 s each is the periodic check; the default
    /// interval of 15 min with a first pass after 6 s (past the 5 s in which a change counts as in flight) is the pass that finds
    /// what was done to the folder while it was stopped.</param>
    [TestCase("00:00:01", "00:01:00")]
    [TestCase("00:15:00", "00:00:06")]
    public async Task The_background_check_repairs_documents_deleted_behind_the_API(string interval, string afterStart)
    {
        var data = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        Guid[] ids;
        using (var first = new SearchTestHost(data, SearchTestHost.Settings(("Marketplace:Search:ReconcileInterval", "00:00:00"))))
        {
            var integrator = await first.CreateIntegratorAsync();
            ids = [await first.PublishAsync(integrator, Offering(0)), await first.PublishAsync(integrator, Offering(1))];
            await DrainedAsync(first);
        }
        DeleteDocuments(Path.Combine(data, "index"), ids[1]);

        var host = new SearchTestHost(data, SearchTestHost.Settings(
            ("Marketplace:Search:ReconcileInterval", interval), ("Marketplace:Search:ReconcileAfterStart", afterStart)));
        try
        {
            await SearchTestHost.EventuallyAsync(async () =>
                SearchTestHost.Ids(await host.SearchAsync("?q=核对测试&pageSize=20")).ToHashSet().SetEquals(ids), Patience, "the background check repaired it");
            var last = JsonNode.Parse(await host.Operator().GetStringAsync("/api/v1/admin/search/status"))!["lastReconciliation"]!;
            Assert.That(last["databaseLive"]!.GetValue<int>(), Is.EqualTo(2));
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    private static Dictionary<string, object?> Offering(int n) =>
        MarketplaceApp.OfferingBody(title: $"核对测试的智能仓储系统{n}", direction: "general", keywords: ["核对测试"]);

    /// <summary>The outbox is drained and this node's follower has saved a position past it (else a restart replays rows into the index).</summary>
    private static Task DrainedAsync(SearchTestHost host) =>
        SearchTestHost.EventuallyAsync(async () =>
        {
            var outbox = host.Service<SearchOutbox>();
            return await outbox.PendingCountAsync(CancellationToken.None) == 0
                && host.Service<OutboxFollower>().Position >= (await outbox.SeqRangeAsync(CancellationToken.None)).Last;
        }, Patience, "the outbox is drained and followed");

    private static async Task<JsonNode> ReconcileAsync(SearchTestHost host, string query)
    {
        var response = await host.Operator().PostAsync("/api/v1/admin/search/reconcile" + query, null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static (int Missing, int Stale, int Extra, int Repaired) Counts(JsonNode report) =>
        (report["missing"]!.GetValue<int>(), report["stale"]!.GetValue<int>(), report["extra"]!.GetValue<int>(), report["repaired"]!.GetValue<int>());

    private static Guid[] Samples(JsonNode report, string name) => report[name]!.AsArray().Select(id => Guid.Parse(id!.GetValue<string>())).ToArray();

    /// <summary>Deletes documents with Lucene's own writer while no API runs: what a stray tool or a bad merge could do.</summary>
    private static void DeleteDocuments(string index, params Guid[] ids)
    {
        using var directory = FSDirectory.Open(IndexFolder.CurrentGeneration(index));
        using var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new KeywordAnalyzer()) { OpenMode = OpenMode.APPEND });
        writer.DeleteDocuments(ids.Select(id => new Term(OfferingFields.Id, OfferingFields.IdTerm(id))).ToArray());
        writer.Commit();
    }

    /// <summary>Adds a live document for an offering the database does not have (an index from another installation).</summary>
    private static async Task AddDocumentAsync(string index, Guid id)
    {
        using var engine = new LuceneOfferingIndex(new LuceneIndexOptions { IndexDirectory = index, WarmUpPostings = false }, Thesaurus.Default, TaxonomyCatalog.Default);
        await engine.WriteAsync([new OfferingDocument
        {
            Id = id, Version = 7, Live = true, RevisionId = Guid.NewGuid(), Title = "核对测试的外来文档", Summary = "数据库里没有", Keywords = ["核对测试"],
            Directions = ["general"], Type = "solution", Deployment = "saas", Districts = ["全市"], PriceMinYuan = 1, PriceMaxYuan = 2, ImplementationDays = 3,
            PublishedAt = DateTimeOffset.UtcNow,
        }], CancellationToken.None);
    }
}
