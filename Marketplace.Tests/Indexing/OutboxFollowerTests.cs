using Dapper;
using Marketplace.Core.Storage;
using Marketplace.Search.Indexing;
using Marketplace.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Tests.Indexing;

/// <summary>Each node's own Lucene index follows the outbox as a log: every change reaches every node, late sequence numbers too.</summary>
[Parallelizable(ParallelScope.All)]
public class OutboxFollowerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Test]
    public async Task Two_nodes_on_one_database_each_see_every_change_in_their_own_index()
    {
        var data = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        var a = new SearchTestHost(data, SearchTestHost.Settings(("Marketplace:Search:IndexDirectory", Path.Combine(data, "index-a"))));
        var b = new SearchTestHost(data, SearchTestHost.Settings(("Marketplace:Search:IndexDirectory", Path.Combine(data, "index-b"))));
        try
        {
            _ = a.Client();
            _ = b.Client(); // both running: both indexers compete for the outbox rows
            var integrator = await a.CreateIntegratorAsync();
            var ids = new List<Guid>();
            for (var n = 0; n < 6; n++)
            {
                var node = n % 2 == 0 ? a : b;
                ids.Add(await node.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: $"双节点跟随测试的激光切割机{n}", direction: "general",
                    subDirections: ["general.palletizing"], keywords: ["激光切割"])));
            }
            foreach (var node in new[] { a, b })
            {
                await SearchTestHost.EventuallyAsync(async () => SearchTestHost.Ids(await node.SearchAsync("?q=激光切割&pageSize=20")).ToHashSet().SetEquals(ids),
                    Patience, "every offering is in each node's own index");
            }
            var retired = await b.Operator().PostAsync($"/api/v1/offerings/{ids[0]}/retire", null);
            Assert.That(retired.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
            await SearchTestHost.EventuallyAsync(async () => !SearchTestHost.Ids(await a.SearchAsync("?q=激光切割&pageSize=20")).Contains(ids[0]),
                Patience, "a retirement on one node leaves the other's index too");
            Assert.That(File.Exists(Path.Combine(data, "index-a", OutboxFollower.PositionFile)), Is.True);
        }
        finally
        {
            a.Dispose();
            b.DisposeAndDelete();
        }
    }

    [Test]
    public async Task A_sequence_number_committed_after_a_higher_one_is_still_followed_and_the_position_waits_for_it()
    {
        var host = new SearchTestHost(settings: SearchTestHost.Settings(("Marketplace:Search:Indexer:Enabled", "false")));
        try
        {
            var integrator = await host.CreateIntegratorAsync();
            var early = await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "迟到序号测试的喷涂机器人", direction: "general", keywords: ["喷涂"]));
            var late = await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "迟到序号测试的喷涂流水线", direction: "general", keywords: ["喷涂"]));
            var db = host.Service<Database>();
            await using var c = await db.OpenAsync(CancellationToken.None);
            var rows = (await c.QueryAsync<(long Seq, string OfferingId)>("SELECT seq, offering_id FROM search_outbox ORDER BY seq")).ToArray();
            Assert.That(rows, Has.Length.EqualTo(2));
            // Seq 1 is "not committed yet" (as on SQL Server when its transaction commits after seq 2's).
            await c.ExecuteAsync("DELETE FROM search_outbox WHERE seq = @Seq", new { rows[0].Seq });
            var indexDirectory = Path.Combine(host.DataDirectory, "index");
            File.WriteAllText(Path.Combine(indexDirectory, OutboxFollower.PositionFile), "0"); // the index has nothing yet
            var follower = ActivatorUtilities.CreateInstance<OutboxFollower>(host.Factory.Services);

            await follower.RunOnceAsync(CancellationToken.None);
            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=喷涂")), Is.EqualTo(new[] { late }));
            Assert.That(follower.Position, Is.Zero, "the position stays below the hole");

            await c.ExecuteAsync("INSERT INTO search_outbox (seq, offering_id, index_version, created_at, attempts) VALUES (@Seq, @OfferingId, 1, @Now, 0)",
                new { rows[0].Seq, rows[0].OfferingId, Now = DateTimeOffset.UtcNow.ToString("O") });
            await follower.RunOnceAsync(CancellationToken.None);
            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=喷涂")), Is.EquivalentTo(new[] { early, late }), "the late row was looked up again");
            Assert.That(follower.Position, Is.EqualTo(rows[1].Seq));
            Assert.That(File.ReadAllText(Path.Combine(indexDirectory, OutboxFollower.PositionFile)), Is.EqualTo(rows[1].Seq.ToString()));

            var resumed = ActivatorUtilities.CreateInstance<OutboxFollower>(host.Factory.Services);
            await resumed.RunOnceAsync(CancellationToken.None);
            Assert.That(resumed.Position, Is.EqualTo(rows[1].Seq), "a restart resumes from the saved position");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task An_identity_jump_is_stepped_over_and_a_hole_after_it_is_still_followed()
    {
        // SQL Server skips up to 10,000 numbers of a BIGINT identity after a restart: they were looked up as holes at every
        // pass for two minutes, the position stayed below them, and with the hole table full a real hole after them was lost.
        var host = new SearchTestHost(settings: SearchTestHost.Settings(("Marketplace:Search:Indexer:Enabled", "false")));
        try
        {
            var integrator = await host.CreateIntegratorAsync();
            var before = await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "序号跳跃测试的打磨机器人", direction: "general", keywords: ["打磨"]));
            var db = host.Service<Database>();
            await using var c = await db.OpenAsync(CancellationToken.None);
            var first = await c.ExecuteScalarAsync<long>("SELECT MAX(seq) FROM search_outbox");
            var indexDirectory = Path.Combine(host.DataDirectory, "index");
            File.WriteAllText(Path.Combine(indexDirectory, OutboxFollower.PositionFile), "0");
            var follower = ActivatorUtilities.CreateInstance<OutboxFollower>(host.Factory.Services);
            await follower.RunOnceAsync(CancellationToken.None);
            Assert.That(follower.Position, Is.EqualTo(first));

            var after = await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "序号跳跃测试的打磨流水线", direction: "general", keywords: ["打磨"]));
            var late = await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "序号跳跃测试的打磨工作站", direction: "general", keywords: ["打磨"]));
            var third = await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "序号跳跃测试的打磨单元", direction: "general", keywords: ["打磨"]));
            var rows = (await c.QueryAsync<(long Seq, string OfferingId)>("SELECT seq, offering_id FROM search_outbox WHERE seq > @first ORDER BY seq", new { first })).ToArray();
            Assert.That(rows, Has.Length.EqualTo(3));
            // The three rows move past a jump of 10,000; the middle one "commits late" (a real hole after the jump).
            const long jump = 10_000;
            await c.ExecuteAsync("UPDATE search_outbox SET seq = seq + @jump WHERE seq > @first", new { jump, first });
            await c.ExecuteAsync("DELETE FROM search_outbox WHERE seq = @Seq", new { Seq = rows[1].Seq + jump });

            await follower.RunOnceAsync(CancellationToken.None);
            Assert.That(follower.Position, Is.EqualTo(rows[0].Seq + jump), "past the jump, below the real hole");
            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=打磨")), Is.EquivalentTo(new[] { before, after, third }));

            await c.ExecuteAsync("INSERT INTO search_outbox (seq, offering_id, index_version, created_at, attempts) VALUES (@Seq, @OfferingId, 1, @Now, 0)",
                new { Seq = rows[1].Seq + jump, rows[1].OfferingId, Now = DateTimeOffset.UtcNow.ToString("O") });
            await follower.RunOnceAsync(CancellationToken.None);
            Assert.That(SearchTestHost.Ids(await host.SearchAsync("?q=打磨")), Is.EquivalentTo(new[] { before, after, late, third }), "the late row was looked up again");
            Assert.That(follower.Position, Is.EqualTo(rows[2].Seq + jump));
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }
}
