using System.Collections.Concurrent;
using System.Net;
using Dapper;
using Marketplace.Core.Searching;
using Marketplace.Core.Storage;
using Marketplace.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Tests.Indexing;

/// <summary>The outbox indexer against a real SQLite file and a real Lucene index: faults, restarts, concurrent claims, observers.</summary>
[Parallelizable(ParallelScope.All)]
public class OutboxIndexerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private sealed record OutboxRow(long Seq, long Attempts, string? LastError, string? ProcessedAt);

    private static async Task<IReadOnlyList<OutboxRow>> OutboxAsync(SearchTestHost host)
    {
        var db = host.Service<Database>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        return (await c.QueryAsync<OutboxRow>(
            "SELECT seq AS Seq, attempts AS Attempts, last_error AS LastError, processed_at AS ProcessedAt FROM search_outbox ORDER BY seq")).ToArray();
    }

    [Test]
    public async Task Engine_down_while_publishing_loses_nothing_once_it_is_back()
    {
        var host = new SearchTestHost(settings: SearchTestHost.Settings(), injectFaults: true);
        try
        {
            var integrator = await host.CreateIntegratorAsync();
            host.Faults.Down = true;
            var ids = new List<Guid>();
            for (var n = 0; n < 3; n++)
            {
                ids.Add(await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: $"故障期间发布的余热发电方案{n}", direction: "general",
                    subDirections: ["general.waste-heat"], keywords: ["余热回收"])));
            }
            await SearchTestHost.EventuallyAsync(async () => host.Faults.FailedWrites >= 3 && (await OutboxAsync(host)).All(r => r.Attempts >= 1),
                Patience, "failed writes are recorded on the outbox rows");

            var pending = await OutboxAsync(host);
            Assert.That(pending, Has.Count.EqualTo(3));
            Assert.That(pending.Select(r => r.ProcessedAt), Is.All.Null, "nothing is marked done while the engine is down");
            Assert.That(pending.Select(r => r.LastError), Has.All.Contain("injected fault"));
            var down = await host.Client().GetAsync("/api/v1/offerings/search?q=余热发电");
            await ProblemAssert.IsProblemAsync(down, HttpStatusCode.ServiceUnavailable);

            host.Faults.Down = false;
            await SearchTestHost.EventuallyAsync(async () =>
                SearchTestHost.Ids(await host.SearchAsync("?q=余热发电&pageSize=10")).ToHashSet().SetEquals(ids), Patience, "all three offerings are searchable");
            // The rows are completed right after the write and the observers.
            await SearchTestHost.EventuallyAsync(async () => await host.Service<SearchOutbox>().PendingCountAsync(CancellationToken.None) == 0,
                Patience, "the outbox is drained");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task A_restart_with_a_non_empty_outbox_drains_it()
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        var ids = new List<Guid>();
        using (var first = new SearchTestHost(directory, SearchTestHost.Settings(("Marketplace:Search:Indexer:Enabled", "false"))))
        {
            var integrator = await first.CreateIntegratorAsync();
            for (var n = 0; n < 2; n++)
            {
                ids.Add(await first.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: $"重启前发布的码垛机器人{n}", direction: "general",
                    subDirections: ["general.palletizing"], keywords: ["码垛"])));
            }
            await Task.Delay(500);
            Assert.That(await first.Service<SearchOutbox>().PendingCountAsync(CancellationToken.None), Is.EqualTo(2));
            Assert.That(SearchTestHost.Ids(await first.SearchAsync("?q=码垛机器人")), Is.Empty, "no indexer ran on this node");
        }
        var second = new SearchTestHost(directory, SearchTestHost.Settings());
        try
        {
            await SearchTestHost.EventuallyAsync(async () =>
                SearchTestHost.Ids(await second.SearchAsync("?q=码垛机器人")).ToHashSet().SetEquals(ids), Patience, "the outbox is drained after the restart");
            await SearchTestHost.EventuallyAsync(async () => await second.Service<SearchOutbox>().PendingCountAsync(CancellationToken.None) == 0,
                Patience, "the outbox is drained");
        }
        finally
        {
            second.DisposeAndDelete();
        }
    }

    [Test]
    public async Task Two_nodes_claiming_at_once_never_take_the_same_row()
    {
        var host = new SearchTestHost(settings: SearchTestHost.Settings(("Marketplace:Search:Indexer:Enabled", "false")));
        try
        {
            var db = host.Service<Database>();
            const int rows = 400;
            await db.InTransactionAsync(async (c, t) =>
            {
                for (var n = 0; n < rows; n++)
                {
                    await c.ExecuteAsync(db.Command(SearchOutboxSql.Insert, new { OfferingId = Guid.NewGuid(), IndexVersion = 1L, CreatedAt = DateTimeOffset.UtcNow }, t));
                }
            }, CancellationToken.None);
            var outbox = host.Service<SearchOutbox>();
            var claims = new ConcurrentBag<(string Node, long Seq)>();

            async Task DrainAsync(string node)
            {
                while (true)
                {
                    var batch = await outbox.ClaimAsync(node, 7, DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None);
                    if (batch.Count == 0)
                    {
                        return;
                    }
                    foreach (var entry in batch)
                    {
                        claims.Add((node, entry.Seq));
                    }
                    Assert.That(await outbox.CompleteAsync(node, batch.Select(e => e.Seq).ToArray(), CancellationToken.None), Is.EqualTo(batch.Count));
                    await Task.Delay(1); // let the others in, as the network between real nodes would
                }
            }

            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var nodes = new[] { "node-a", "node-b", "node-c" }.Select(node => Task.Run(async () =>
            {
                await start.Task;
                await DrainAsync(node);
            })).ToArray();
            start.SetResult();
            await Task.WhenAll(nodes);

            Assert.That(claims.Select(c => c.Seq), Is.Unique);
            Assert.That(claims, Has.Count.EqualTo(rows));
            Assert.That(claims.Select(c => c.Node).Distinct().Count(), Is.GreaterThan(1), "the nodes really competed");
            Assert.That(await outbox.PendingCountAsync(CancellationToken.None), Is.Zero);
            Assert.That(await outbox.PurgeProcessedAsync(DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None), Is.Zero, "recent rows are kept");
            Assert.That(await outbox.PurgeProcessedAsync(DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None), Is.EqualTo(rows));
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task A_lease_keeps_a_row_from_other_nodes_until_it_expires_and_a_release_backs_off()
    {
        var host = new SearchTestHost(settings: SearchTestHost.Settings(("Marketplace:Search:Indexer:Enabled", "false")));
        try
        {
            var db = host.Service<Database>();
            await db.InTransactionAsync(async (c, t) =>
                await c.ExecuteAsync(db.Command(SearchOutboxSql.Insert, new { OfferingId = Guid.NewGuid(), IndexVersion = 1L, CreatedAt = DateTimeOffset.UtcNow }, t)),
                CancellationToken.None);
            var outbox = host.Service<SearchOutbox>();

            var minute = DateTimeOffset.UtcNow.AddMinutes(1);
            var a = await outbox.ClaimAsync("node-a", 10, DateTimeOffset.UtcNow.AddMilliseconds(300), CancellationToken.None);
            Assert.That(a, Has.Count.EqualTo(1));
            Assert.That(await outbox.ClaimAsync("node-b", 10, minute, CancellationToken.None), Is.Empty, "leased to node-a");
            await Task.Delay(400);
            var b = await outbox.ClaimAsync("node-b", 10, minute, CancellationToken.None);
            Assert.That(b.Select(e => e.Seq), Is.EqualTo(a.Select(e => e.Seq)), "node-a's lease expired (it died): node-b takes over");
            Assert.That(await outbox.CompleteAsync("node-a", [a[0].Seq], CancellationToken.None), Is.Zero, "node-a no longer holds the row");
            await outbox.ReleaseAsync("node-a", [a[0].Seq], "late", TimeSpan.FromMinutes(1), CancellationToken.None);

            await outbox.ReleaseAsync("node-b", [b[0].Seq], "boom", TimeSpan.FromMilliseconds(300), CancellationToken.None);
            Assert.That(await outbox.ClaimAsync("node-a", 10, minute, CancellationToken.None), Is.Empty, "backing off");
            await Task.Delay(400);
            var again = await outbox.ClaimAsync("node-a", 10, minute, CancellationToken.None);
            Assert.That(again.Single().Attempts, Is.EqualTo(1), "node-a's late release after losing the row changed nothing");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    private sealed class RecordingObserver : IOfferingIndexObserver
    {
        public ConcurrentBag<Guid> Seen { get; } = [];

        public Task OnIndexedAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct)
        {
            foreach (var d in documents)
            {
                Seen.Add(d.Id);
            }
            return Task.CompletedTask;
        }
    }

    private sealed class ThrowingObserver : IOfferingIndexObserver
    {
        public Task OnIndexedAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct) =>
            throw new InvalidOperationException("observer failure");
    }

    [Test]
    public async Task Observers_hear_about_indexed_offerings_and_a_failing_one_breaks_nothing()
    {
        var recording = new RecordingObserver();
        var host = new SearchTestHost(settings: SearchTestHost.Settings(), services: s =>
        {
            s.AddSingleton<IOfferingIndexObserver, ThrowingObserver>();
            s.AddSingleton<IOfferingIndexObserver>(recording);
        });
        try
        {
            var integrator = await host.CreateIntegratorAsync();
            var id = await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "观察者测试的涂装线"));
            await SearchTestHost.EventuallyAsync(() => Task.FromResult(recording.Seen.Contains(id)), Patience, "the observer is told");
            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=涂装线")), Does.Contain(id));
            await SearchTestHost.EventuallyAsync(async () => await host.Service<SearchOutbox>().PendingCountAsync(CancellationToken.None) == 0,
                Patience, "the outbox is drained");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }
}
