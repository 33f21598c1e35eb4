using System.Diagnostics;
using System.Net;
using Dapper;
using Marketplace.Core.Searching;
using Marketplace.Core.Storage;
using Marketplace.Tests.Api;
using Marketplace.Tests.Indexing;

namespace Marketplace.Tests.Reliability;

/// <summary>
/// Issue 9 item 6: with the Elasticsearch engine failing (503) and then not answering at all, publishing and retiring go
/// on; outbox rows wait with back-off; within 10 s of the engine's recovery every change is indexed, each offering at
/// its latest version and never overwritten by an older one. Every retry, timeout and back-off setting is the production
/// default: the 10 s are what a deployment gets, not what a test tuned.
/// </summary>
public class ElasticsearchOutageTests
{
    private sealed record Row(long Seq, Guid OfferingId, long Attempts, string? LastError, string? ClaimedBy, DateTimeOffset? ClaimedUntil);

    [Test]
    public async Task Publishing_goes_on_while_the_engine_is_down_and_everything_is_indexed_in_version_order_within_10_s_of_its_recovery()
    {
        await using var engine = await StandInElasticsearch.StartAsync();
        var host = new SearchTestHost(settings: new Dictionary<string, string?>
        {
            ["Marketplace:Search:Provider"] = "elasticsearch",
            ["Marketplace:Search:Elasticsearch:Url"] = engine.Url.ToString(),
            ["Marketplace:Search:Elasticsearch:IndexAlias"] = "mk-outage",
            ["Marketplace:Search:ReconcileInterval"] = "00:00:00",
        });
        try
        {
            var integrator = await host.CreateIntegratorAsync();
            var first = await host.PublishAsync(integrator, Offering(0));
            await SearchTestHost.EventuallyAsync(() => Task.FromResult(engine.Document(first) is not null), TimeSpan.FromSeconds(10), "indexed while the engine is up");

            // Down: every request answers 503.
            engine.Mode = StandInElasticsearch.Behaviour.Failing;
            var outage = Stopwatch.StartNew();
            var requestsBefore = engine.BulkRequests;
            var ids = new List<Guid> { first };
            for (var n = 1; n <= 4; n++)
            {
                ids.Add(await host.PublishAsync(integrator, Offering(n)));
            }
            foreach (var retired in ids.Take(2))
            {
                Assert.That((await host.Operator().PostAsync($"/api/v1/offerings/{retired}/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "retiring works");
            }
            var backingOff = false;
            await SearchTestHost.EventuallyAsync(async () =>
            {
                var rows = await PendingAsync(host);
                backingOff |= rows.Any(r => r.ClaimedBy is null && r.ClaimedUntil > DateTimeOffset.UtcNow && r.Attempts > 0);
                return rows.Count == 6 && rows.All(r => r.Attempts >= 1 && r.LastError!.Contains("503")) && backingOff;
            }, TimeSpan.FromSeconds(15), "every row failed at least once, recorded its error and waits out a back-off");

            // Worse: the engine accepts connections and never answers (each attempt is given up after the default 4 s).
            engine.Mode = StandInElasticsearch.Behaviour.Hanging;
            var timer = Stopwatch.StartNew();
            ids.Add(await host.PublishAsync(integrator, Offering(5)));
            Assert.That(timer.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "publishing does not wait for the engine");
            await SearchTestHost.EventuallyAsync(async () => (await PendingAsync(host)).Any(r => r.LastError?.Contains("503") == false),
                TimeSpan.FromSeconds(30), "timeouts are recorded too (a batch makes four attempts of 4 s before it waits)");
            var outageSeconds = outage.Elapsed.TotalSeconds;
            var requestsDuringOutage = engine.BulkRequests - requestsBefore;
            Assert.That(requestsDuringOutage, Is.LessThan(outageSeconds * 8), $"{requestsDuringOutage} bulk requests in {outageSeconds:0.0} s: retries back off");
            Assert.That(await host.Service<SearchOutbox>().PendingCountAsync(CancellationToken.None), Is.EqualTo(7), "nothing lost, nothing marked done");

            engine.Mode = StandInElasticsearch.Behaviour.Up;
            var recovery = Stopwatch.StartNew();
            var expected = await ExpectedAsync(host, ids);
            await SearchTestHost.EventuallyAsync(async () =>
                expected.All(e => engine.Document(e.Key) == e.Value) && await host.Service<SearchOutbox>().PendingCountAsync(CancellationToken.None) == 0,
                TimeSpan.FromSeconds(30), "everything indexed and the outbox drained after the recovery");
            var recovered = recovery.Elapsed;
            TestContext.Progress.WriteLine($"Elasticsearch outage: {requestsDuringOutage} bulk requests in {outageSeconds:0.0} s down; all indexed {recovered.TotalSeconds:0.00} s after the recovery");
            Assert.That(recovered, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(10)));

            foreach (var id in ids)
            {
                // Sent, not only applied: the stand-in refuses an older version, so only what the indexer sends shows the order.
                var sent = engine.Received.Where(a => a.Id == id).Select(a => a.Version).ToArray();
                Assert.That(sent, Is.Ordered.Ascending, $"offering {id}: the indexer sent its versions in order (a retry may repeat one)");
                Assert.That(sent.LastOrDefault(), Is.EqualTo(expected[id]!.Value.Version), $"offering {id}: the last version sent is the database's");
                var versions = engine.Accepted.Where(a => a.Id == id).Select(a => a.Version).ToArray();
                Assert.That(versions, Is.Ordered.Ascending.And.Unique, $"offering {id}: accepted versions only go up");
            }
            Assert.That(expected.Where(e => !e.Value!.Value.Live).Select(e => e.Key), Is.EquivalentTo(ids.Take(2)), "the retired ones end as tombstones");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    private static Dictionary<string, object?> Offering(int n) =>
        MarketplaceApp.OfferingBody(title: $"引擎故障测试的能耗监测系统{n}", direction: "general", keywords: ["能耗监测"]);

    private static async Task<IReadOnlyList<Row>> PendingAsync(SearchTestHost host)
    {
        var db = host.Service<Database>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        return (await c.QueryAsync<Row>("""
            SELECT seq AS Seq, offering_id AS OfferingId, attempts AS Attempts, last_error AS LastError, claimed_by AS ClaimedBy, claimed_until AS ClaimedUntil
            FROM search_outbox WHERE processed_at IS NULL ORDER BY seq
            """)).ToArray();
    }

    /// <summary>What the index must end with: each offering's version and liveness in the database.</summary>
    private static async Task<Dictionary<Guid, (long Version, bool Live)?>> ExpectedAsync(SearchTestHost host, IEnumerable<Guid> ids)
    {
        var states = (await host.Service<Marketplace.Core.Offerings.OfferingStore>().IndexStatesAsync(CancellationToken.None)).ToDictionary(s => s.Id);
        return ids.ToDictionary(id => id, id => ((long, bool)?)(states[id].IndexVersion, states[id].Live));
    }
}
