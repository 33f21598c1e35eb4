using System.Diagnostics;
using Dapper;
using Marketplace.Core.Leasing;
using Marketplace.Core.Searching;
using Marketplace.Core.Storage;
using Marketplace.Tests.Indexing;

namespace Marketplace.Tests.Leasing;

/// <summary>Leases on outbox rows: renewed while held, lost to a takeover, freed at once when their holder's process is gone.</summary>
[Parallelizable(ParallelScope.All)]
public class LeaseTests
{
    private static SearchTestHost Host(string duration = "00:00:02") => new(settings: SearchTestHost.Settings(
        ("Marketplace:Search:Indexer:Enabled", "false"), ("Marketplace:Leases:Duration", duration)));

    private static async Task<long[]> AddRowsAsync(SearchTestHost host, int count)
    {
        var db = host.Service<Database>();
        await db.InTransactionAsync(async (c, t) =>
        {
            for (var n = 0; n < count; n++)
            {
                await c.ExecuteAsync(db.Command(SearchOutboxSql.Insert, new { OfferingId = Guid.NewGuid(), IndexVersion = 1L, CreatedAt = DateTimeOffset.UtcNow }, t));
            }
        }, CancellationToken.None);
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<long>("SELECT seq FROM search_outbox WHERE processed_at IS NULL ORDER BY seq")).ToArray();
    }

    private static Task<IReadOnlyList<OutboxEntry>> ClaimAsync(SearchTestHost host, string holder, TimeSpan lease) =>
        host.Service<SearchOutbox>().ClaimAsync(holder, 100, DateTimeOffset.UtcNow + lease, CancellationToken.None);

    [Test]
    public async Task A_held_lease_outlives_its_duration_and_others_get_the_rows_only_after_it_is_let_go()
    {
        var host = Host();
        try
        {
            await AddRowsAsync(host, 3);
            var leases = host.Service<Leases>();
            var outbox = host.Service<SearchOutbox>();
            var mine = await outbox.ClaimAsync(leases.Holder.Id, 100, leases.ExpiryFromNow(), CancellationToken.None);
            Assert.That(mine, Has.Count.EqualTo(3));
            await using (var lease = leases.Hold(outbox, mine.Select(e => e.Seq).ToArray(), CancellationToken.None))
            {
                await Task.Delay(TimeSpan.FromSeconds(5)); // 2.5 lease durations
                Assert.That(await ClaimAsync(host, "another-node", TimeSpan.FromMinutes(1)), Is.Empty, "renewed while held");
                Assert.That(lease.IsLost, Is.False);
            }
            await SearchTestHost.EventuallyAsync(async () => (await ClaimAsync(host, "another-node", TimeSpan.FromMinutes(1))).Count == 3,
                TimeSpan.FromSeconds(5), "the rows are free within a lease once no longer renewed");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task A_lease_taken_over_by_another_holder_is_reported_lost()
    {
        var host = Host();
        try
        {
            await AddRowsAsync(host, 2);
            var leases = host.Service<Leases>();
            var outbox = host.Service<SearchOutbox>();
            var mine = await outbox.ClaimAsync(leases.Holder.Id, 100, leases.ExpiryFromNow(), CancellationToken.None);
            await using var lease = leases.Hold(outbox, mine.Select(e => e.Seq).ToArray(), CancellationToken.None);
            var db = host.Service<Database>();
            await using (var c = await db.OpenAsync(CancellationToken.None))
            {
                // What a node does when it judged this one gone (say, after a long pause) and took a row over.
                await c.ExecuteAsync("UPDATE search_outbox SET claimed_by = 'another-node' WHERE seq = @Seq", new { mine[0].Seq });
            }
            await SearchTestHost.EventuallyAsync(() => Task.FromResult(lease.IsLost), TimeSpan.FromSeconds(5), "the holder learns at its next renewal");
            Assert.That(lease.Lost.IsCancellationRequested, Is.True);
            Assert.That(await outbox.CompleteAsync(leases.Holder.Id, mine.Select(e => e.Seq).ToArray(), CancellationToken.None), Is.EqualTo(1),
                "only the row it still holds is marked done");
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task Rows_leased_by_a_process_that_has_ended_are_freed_at_once_and_live_holders_keep_theirs()
    {
        // Leases of ten minutes: only the registry can free them within the test's patience.
        var host = Host("00:00:03");
        try
        {
            var seqs = await AddRowsAsync(host, 4);
            var registry = host.Service<LeaseHolderRegistry>();
            var outbox = host.Service<SearchOutbox>();

            var ended = EndedProcessHolder();
            await registry.RegisterAsync(ended, CancellationToken.None);
            var alive = LeaseHolder.ForCurrentProcess("sibling"); // another holder in this very process: alive
            await registry.RegisterAsync(alive, CancellationToken.None);
            var remote = new LeaseHolder("remote-node-1-abc", "remote-node", "another-host", 4242, DateTimeOffset.UtcNow.AddHours(-1));
            await registry.RegisterAsync(remote, CancellationToken.None);

            Assert.That(await outbox.ClaimAsync(ended.Id, 2, DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None), Has.Count.EqualTo(2));
            Assert.That(await outbox.ClaimAsync(alive.Id, 1, DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None), Has.Count.EqualTo(1));
            Assert.That(await outbox.ClaimAsync(remote.Id, 1, DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None), Has.Count.EqualTo(1));

            var freed = await host.Service<LeaseHolderService>().FreeGoneHoldersAsync(CancellationToken.None);
            // The host's own heartbeat may have got there first: either way the ended process's rows are free now.
            Assert.That(freed, Is.InRange(0, 2));
            var claimed = await ClaimAsync(host, "successor", TimeSpan.FromMinutes(1));
            Assert.That(claimed.Select(e => e.Seq), Is.EqualTo(seqs.Take(2)), "the ended process's rows, not the live holders'");
            var holders = (await registry.ListAsync(CancellationToken.None)).Select(h => h.HolderId).ToArray();
            Assert.That(holders, Does.Not.Contain(ended.Id));
            Assert.That(holders, Does.Contain(alive.Id).And.Contain(remote.Id), "another host's holder is judged by its heartbeat, which is fresh");

            // Without a heartbeat for longer than a lease, the remote holder is gone too.
            await SearchTestHost.EventuallyAsync(async () =>
            {
                await registry.HeartbeatAsync(alive, CancellationToken.None);
                await host.Service<LeaseHolderService>().FreeGoneHoldersAsync(CancellationToken.None);
                return (await ClaimAsync(host, "successor", TimeSpan.FromMinutes(1))).Count == 1;
            }, TimeSpan.FromSeconds(10), "the silent remote holder's row is freed");
            Assert.That((await registry.ListAsync(CancellationToken.None)).Select(h => h.HolderId), Does.Contain(alive.Id).And.Not.Contain(remote.Id));
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public void A_holder_is_gone_only_when_its_process_certainly_ended()
    {
        var self = LeaseHolder.ForCurrentProcess("me");
        Assert.That(self.IsGone(), Is.False);
        Assert.That(self.Id, Does.StartWith($"me-{Environment.ProcessId}-"));
        Assert.That(EndedProcessHolder().IsGone(), Is.True, "no such process any more");
        Assert.That((self with { ProcessStartedAt = self.ProcessStartedAt.AddMinutes(-5) }).IsGone(), Is.True,
            "the pid runs another process (started at another time): the holder's process ended and its pid was reused");
        Assert.That((self with { Host = "elsewhere" }).IsGone(), Is.False, "another host's processes cannot be seen from here");
    }

    /// <summary>A holder whose process has certainly ended (a real process, run and waited for).</summary>
    internal static LeaseHolder EndedProcessHolder()
    {
        using var process = Process.Start(new ProcessStartInfo("sleep", "0.2") { UseShellExecute = false })!;
        var started = process.StartTime.ToUniversalTime();
        process.WaitForExit();
        return new LeaseHolder($"ended-{process.Id}-0000", "ended", LeaseHolder.CurrentHost, process.Id, started);
    }
}
