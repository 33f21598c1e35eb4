using Marketplace.Core.Leasing;
using Marketplace.Core.Matching;
using Marketplace.Core.Searching;
using Marketplace.Tests.Indexing;

namespace Marketplace.Tests.Demands;

/// <summary>The re-match queue on a real SQLite file: claimed once, finished rows gone, failures backed off, a dead holder's rows freed.</summary>
[Parallelizable(ParallelScope.All)]
public class RematchQueueTests
{
    private static SearchTestHost Host() => new(settings: SearchTestHost.Settings(
        ("Marketplace:Search:Indexer:Enabled", "false"), ("Marketplace:Matching:RematchWorkerEnabled", "false"), ("Marketplace:Leases:Duration", "00:00:03")));

    private static OfferingDocument Live(params string[] directions) => new()
    {
        Id = Guid.NewGuid(),
        Version = 1,
        Live = true,
        RevisionId = Guid.NewGuid(),
        Title = "t",
        Directions = directions,
    };

    [Test]
    public async Task The_indexer_queues_published_and_retired_offerings_that_are_claimed_once_and_leave_when_finished_or_wait_out_a_back_off_when_failed()
    {
        var host = Host();
        try
        {
            var queue = host.Service<RematchQueue>();
            var rematcher = host.Service<DemandRematcher>();
            var first = Live("machinery", "general");
            await rematcher.OnIndexedAsync([first, Live("food"), Live("food") with { Live = false }], CancellationToken.None);
            Assert.That(await queue.PendingCountAsync(CancellationToken.None), Is.EqualTo(3), "a retired offering too: the items that show it are matched again");

            var claimed = await queue.ClaimAsync("node-a", 10, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
            Assert.That(claimed.Select(e => (e.OfferingId, e.Directions)).First(), Is.EqualTo((first.Id, "machinery,general")));
            Assert.That(await queue.ClaimAsync("node-b", 10, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None), Is.Empty, "leased to node a");

            Assert.That(await queue.CompleteAsync("node-b", [claimed[0].Seq], CancellationToken.None), Is.Zero, "only the holder finishes a row");
            Assert.That(await queue.CompleteAsync("node-a", [claimed[0].Seq], CancellationToken.None), Is.EqualTo(1));
            await queue.ReleaseAsync("node-a", [claimed[1].Seq], "boom", TimeSpan.FromMinutes(1), CancellationToken.None);
            Assert.That(await queue.PendingCountAsync(CancellationToken.None), Is.EqualTo(2));
            Assert.That(await queue.ClaimAsync("node-b", 10, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None), Is.Empty, "backing off");

            await queue.ReleaseAsync("node-a", [claimed[1].Seq], "boom", TimeSpan.Zero, CancellationToken.None);
            Assert.That(await queue.ClaimAsync("node-b", 10, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None), Is.Empty,
                "node a no longer holds it: its release changes nothing");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task Rows_leased_by_a_process_that_has_ended_are_freed_for_its_successor()
    {
        var host = Host();
        try
        {
            var queue = host.Service<RematchQueue>();
            await host.Service<DemandRematcher>().OnIndexedAsync([Live("food")], CancellationToken.None);
            var registry = host.Service<LeaseHolderRegistry>();
            var ended = Leasing.LeaseTests.EndedProcessHolder();
            await registry.RegisterAsync(ended, CancellationToken.None);
            Assert.That(await queue.ClaimAsync(ended.Id, 10, DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None), Has.Count.EqualTo(1));

            await host.Service<LeaseHolderService>().FreeGoneHoldersAsync(CancellationToken.None);
            Assert.That(await queue.ClaimAsync("successor", 10, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None), Has.Count.EqualTo(1),
                "freed at once, not after the ten-minute lease");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }
}
