using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using Marketplace.Core.Storage;
using Marketplace.Tests.Api;

namespace Marketplace.Tests.Reliability;

/// <summary>
/// Issue 9 item 1: real API processes publishing concurrently are killed with SIGKILL and every acknowledged (approved)
/// offering is searchable, and the outbox drained, within 10 s — of the restarted node's readiness, or of the kill for the
/// surviving one of two nodes sharing the database (each with its own index folder, fed by the outbox).
/// </summary>
[Parallelizable(ParallelScope.All)]
public class CrashRecoveryTests
{
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(10);

    [Test]
    public async Task One_node_killed_while_publishing_converges_within_seconds_of_its_restart()
    {
        var data = NewDataDirectory();
        var settings = new Dictionary<string, string?>();
        ApiProcess? node = null;
        try
        {
            node = await ApiProcess.StartAsync(data, "node", settings);
            var traffic = await Traffic.StartAsync([node], integrators: 6);
            await traffic.RunUntilAsync(acknowledged: 30);
            var doomed = await HolderOfAsync(data, node.ProcessId);
            await traffic.BurstThenAsync(node, node.Kill); // killed the moment the burst's first approval is acknowledged
            await traffic.StopAsync();
            var left = await LeaveWorstCaseAsync(data, doomed);

            var restart = Stopwatch.StartNew();
            node = await ApiProcess.StartAsync(data, "node", settings);
            var startup = restart.Elapsed;
            var converged = await ConvergeAsync(node, data, traffic.Acknowledged);
            TestContext.Progress.WriteLine(
                $"crash convergence, one node: {converged.TotalSeconds:0.00} s after readiness (restart to ready {startup.TotalSeconds:0.0} s; " +
                $"{traffic.Acknowledged.Count} acknowledged; at the kill {left.Unprocessed} rows unprocessed, {left.LeasedByDead} leased by the killed process)");
            Assert.That(converged, Is.LessThanOrEqualTo(Target));
        }
        finally
        {
            node?.Dispose();
            MarketplaceApp.DeleteDirectory(data);
        }
    }

    /// <param name="killedOnAnotherHost">
    /// Make the killed node look as if it ran on another machine (its registration's host is rewritten before the kill), as
    /// nodes behind a load balancer do: the survivor cannot see that its process ended and must judge it by its heartbeat.
    /// </param>
    [TestCase(StorageKind.Sqlite, false)]
    [TestCase(StorageKind.Sqlite, true)]
    [TestCase(StorageKind.SqlServer, true, Category = TestCategories.SqlServer)]
    public async Task Two_nodes_on_one_database_one_killed_the_other_converges_within_seconds_and_the_restarted_one_catches_up(
        StorageKind storage, bool killedOnAnotherHost)
    {
        var data = NewDataDirectory();
        var shared = new Dictionary<string, string?>();
        if (storage == StorageKind.SqlServer)
        {
            var connection = Environment.GetEnvironmentVariable(MarketplaceApp.SqlServerVariable);
            if (string.IsNullOrWhiteSpace(connection))
            {
                Assert.Ignore($"{MarketplaceApp.SqlServerVariable} is not set: the two-node crash test against a live SQL Server is skipped.");
            }
            shared["Marketplace:Storage:Provider"] = "SqlServer";
            shared["ConnectionStrings:Marketplace"] = connection;
        }
        // One database, one index folder per node: a Lucene folder has a single writer.
        Dictionary<string, string?> Node(string name) => new(shared)
        {
            ["Marketplace:Search:IndexDirectory"] = Path.Combine(data, $"index-{name}"),
            ["Marketplace:Leases:NodeName"] = name,
        };
        ApiProcess? a = null;
        ApiProcess? b = null;
        try
        {
            a = await ApiProcess.StartAsync(data, "a", Node("a"));
            b = await ApiProcess.StartAsync(data, "b", Node("b"));
            var traffic = await Traffic.StartAsync([a, b], integrators: 6);
            await traffic.RunUntilAsync(acknowledged: 30);
            var doomed = await HolderOfAsync(data, a.ProcessId, shared);
            if (killedOnAnotherHost)
            {
                await MoveToAnotherHostAsync(data, doomed, shared);
            }
            await traffic.BurstThenAsync(a, a.Kill);
            var killed = Stopwatch.StartNew();
            await traffic.StopAsync();
            var left = await LeaveWorstCaseAsync(data, doomed, shared);

            await ConvergeAsync(b, data, traffic.Acknowledged, shared);
            var sinceKill = killed.Elapsed;
            TestContext.Progress.WriteLine(
                $"crash convergence, two nodes ({storage}{(killedOnAnotherHost ? ", the killed one seen as on another host" : "")}): the survivor had everything {sinceKill.TotalSeconds:0.00} s after the kill " +
                $"({traffic.Acknowledged.Count} acknowledged; {left.Unprocessed} rows unprocessed, {left.LeasedByDead} leased by the killed node)");
            Assert.That(sinceKill, Is.LessThanOrEqualTo(Target));

            var restart = Stopwatch.StartNew();
            a = await ApiProcess.StartAsync(data, "a", Node("a"));
            var startup = restart.Elapsed;
            var restarted = await ConvergeAsync(a, data, traffic.Acknowledged, shared);
            TestContext.Progress.WriteLine(
                $"crash convergence, two nodes ({storage}): the killed node, restarted, had everything {restarted.TotalSeconds:0.00} s after readiness (restart to ready {startup.TotalSeconds:0.0} s)");
            Assert.That(restarted, Is.LessThanOrEqualTo(Target));
        }
        finally
        {
            a?.Dispose();
            b?.Dispose();
            MarketplaceApp.DeleteDirectory(data);
        }
    }

    private static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "marketplace-tests", "crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static Database OpenDatabase(string data, IReadOnlyDictionary<string, string?>? settings = null) =>
        settings is not null && settings.TryGetValue("ConnectionStrings:Marketplace", out var connection)
            ? new Database(new StorageOptions { Provider = StorageProvider.SqlServer, ConnectionString = connection })
            : new Database(new StorageOptions { Provider = StorageProvider.Sqlite, SqliteFile = Path.Combine(data, "marketplace.db") });

    /// <summary>The lease holder id a process registered under.</summary>
    private static async Task<string> HolderOfAsync(string data, int processId, IReadOnlyDictionary<string, string?>? settings = null)
    {
        await using var c = await OpenDatabase(data, settings).OpenAsync(CancellationToken.None);
        return await c.QuerySingleAsync<string>("SELECT holder_id FROM lease_holders WHERE process_id = @ProcessId", new { ProcessId = processId });
    }

    private static async Task MoveToAnotherHostAsync(string data, string holder, IReadOnlyDictionary<string, string?>? settings)
    {
        var db = OpenDatabase(data, settings);
        await using var c = await db.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync(db.Command("UPDATE lease_holders SET host = 'another-host' WHERE holder_id = @Holder", new { Holder = holder }));
    }

    /// <summary>
    /// What the killed process left: its unprocessed rows, and those it had leased. Then the worst case is made certain,
    /// whatever the timing of the kill: every unprocessed row is leased to the dead process for ten minutes (as if it had
    /// claimed them all just before dying, under the old two-minute leases or longer).
    /// </summary>
    private static async Task<(long Unprocessed, long LeasedByDead)> LeaveWorstCaseAsync(string data, string deadHolder, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var db = OpenDatabase(data, settings);
        await using var c = await db.OpenAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var unprocessed = await c.ExecuteScalarAsync<long>(db.Command(
            "SELECT COUNT(*) FROM search_outbox WHERE processed_at IS NULL AND claimed_by = @Holder OR processed_at IS NULL AND claimed_by IS NULL", new { Holder = deadHolder }));
        var leased = await c.ExecuteScalarAsync<long>(db.Command(
            "SELECT COUNT(*) FROM search_outbox WHERE processed_at IS NULL AND claimed_by = @Holder AND claimed_until > @Now", new { Holder = deadHolder, Now = now }));
        // Rows a live node holds stay its own; the free ones and the dead node's are now the dead node's, for ten minutes —
        // unless a surviving node has already noticed the death (and removed the holder, freeing its rows): then leasing rows
        // to a holder nobody will ever judge gone again would be a state no real crash can leave.
        await c.ExecuteAsync(db.Command("""
            UPDATE search_outbox SET claimed_by = @Holder, claimed_until = @Until
            WHERE processed_at IS NULL AND (claimed_by = @Holder OR claimed_by IS NULL)
              AND EXISTS (SELECT 1 FROM lease_holders WHERE holder_id = @Holder)
            """, new { Holder = deadHolder, Until = now.AddMinutes(10) }));
        return (unprocessed, leased);
    }

    /// <summary>Polls until the node's search shows exactly the acknowledged offerings and the outbox is drained; returns the time it took.</summary>
    private static async Task<TimeSpan> ConvergeAsync(ApiProcess node, string data, IReadOnlyCollection<Guid> acknowledged, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var started = Stopwatch.StartNew();
        var db = OpenDatabase(data, settings);
        using var client = node.Client();
        var missing = acknowledged.Count;
        long pending = -1;
        while (started.Elapsed < TimeSpan.FromSeconds(60))
        {
            var found = new HashSet<Guid>();
            var repairing = false;
            for (var page = 1; ; page++)
            {
                using var response = await client.GetAsync($"/api/v1/offerings/search?pageSize=100&page={page}&sort=newest");
                // A node that found its index damaged is ready before the repair ends and answers search 503 meanwhile
                // (README): not converged yet.
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    repairing = true;
                    break;
                }
                var result = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<SearchPage>();
                found.UnionWith(result!.Items.Select(i => i.Id));
                if (result.Items.Count < 100)
                {
                    break;
                }
            }
            if (repairing)
            {
                await Task.Delay(100);
                continue;
            }
            missing = acknowledged.Count(id => !found.Contains(id));
            await using (var c = await db.OpenAsync(CancellationToken.None))
            {
                pending = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM search_outbox WHERE processed_at IS NULL");
            }
            if (missing == 0 && pending == 0)
            {
                return started.Elapsed;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"{node.Name} did not converge within 60 s: {missing} acknowledged offerings not searchable, {pending} outbox rows pending.\n{node.LogTail()}");
        return started.Elapsed;
    }

    private sealed record SearchPage(long Total, IReadOnlyList<SearchPageItem> Items);

    private sealed record SearchPageItem(Guid Id);

    /// <summary>Integrators creating, submitting and getting offerings approved concurrently, over one or several nodes.</summary>
    private sealed class Traffic
    {
        private readonly ApiProcess[] _nodes;
        private readonly string[] _keys;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _publishers = [];
        private int _sequence;

        private Traffic(ApiProcess[] nodes, string[] keys)
        {
            _nodes = nodes;
            _keys = keys;
        }

        public ConcurrentBag<Guid> Acknowledged { get; } = [];

        public static async Task<Traffic> StartAsync(ApiProcess[] nodes, int integrators)
        {
            using var op = nodes[0].Client(MarketplaceApp.OperatorKey);
            var keys = new string[integrators];
            for (var n = 0; n < integrators; n++)
            {
                var response = await op.PostAsJsonAsync("/api/v1/organizations", new Dictionary<string, object?>
                {
                    ["kind"] = "integrator",
                    ["name"] = $"崩溃测试服务商{n}{Guid.NewGuid():N}"[..14],
                    ["creditCode"] = MarketplaceApp.NewCreditCode(),
                    ["district"] = "渝北区",
                });
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
                keys[n] = (await MarketplaceApp.ReadJsonAsync(response))["apiKey"]!.GetValue<string>();
            }
            var traffic = new Traffic(nodes, keys);
            for (var n = 0; n < integrators; n++)
            {
                var key = keys[n];
                traffic._publishers.Add(Task.Run(() => traffic.PublishLoopAsync(key)));
            }
            return traffic;
        }

        public async Task RunUntilAsync(int acknowledged)
        {
            var deadline = Stopwatch.StartNew();
            while (Acknowledged.Count < acknowledged)
            {
                Assert.That(deadline.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "publishing is too slow");
                Assert.That(_publishers.Where(p => p.IsFaulted).Select(p => p.Exception!.ToString()), Is.Empty);
                await Task.Delay(20);
            }
        }

        /// <summary>Submitted offerings approved on <paramref name="node"/> all at once; <paramref name="then"/> runs at the first acknowledgement.</summary>
        public async Task BurstThenAsync(ApiProcess node, Action then)
        {
            var ready = await Task.WhenAll(_keys.Take(6).Select(key => SubmitAsync(node, key)));
            using var op = node.Client(MarketplaceApp.OperatorKey);
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var approvals = ready.Select(async id =>
            {
                try
                {
                    var response = await op.PostAsync($"/api/v1/offerings/{id}/approve", null);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Acknowledged.Add(id);
                        first.TrySetResult();
                    }
                }
                catch (HttpRequestException)
                {
                    // killed before it answered: not acknowledged
                }
            }).ToArray();
            await first.Task.WaitAsync(TimeSpan.FromSeconds(30));
            then();
            await Task.WhenAll(approvals);
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_publishers);
        }

        private async Task PublishLoopAsync(string key)
        {
            while (!_stop.IsCancellationRequested)
            {
                var node = _nodes[Interlocked.Increment(ref _sequence) % _nodes.Length];
                try
                {
                    var id = await SubmitAsync(node, key);
                    using var op = node.Client(MarketplaceApp.OperatorKey);
                    var approved = await op.PostAsync($"/api/v1/offerings/{id}/approve", null, _stop.Token);
                    if (approved.StatusCode == HttpStatusCode.OK)
                    {
                        Acknowledged.Add(id);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    // the node was killed under this request, or the test is stopping: nothing acknowledged
                    if (!_stop.IsCancellationRequested)
                    {
                        await Task.Delay(50);
                    }
                }
            }
        }

        private async Task<Guid> SubmitAsync(ApiProcess node, string key)
        {
            using var integrator = node.Client(key);
            var n = Interlocked.Increment(ref _sequence);
            var created = await integrator.PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody(title: $"崩溃恢复测试数控机床联网方案{n}",
                direction: "machinery", subDirections: ["machinery.welding"], keywords: ["崩溃恢复", "设备联网"]));
            if (created.StatusCode != HttpStatusCode.Created)
            {
                throw new HttpRequestException($"create answered {created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
            }
            var id = Guid.Parse((await MarketplaceApp.ReadJsonAsync(created))["id"]!.GetValue<string>());
            var submitted = await integrator.PostAsync($"/api/v1/offerings/{id}/submit", null);
            if (submitted.StatusCode != HttpStatusCode.OK)
            {
                throw new HttpRequestException($"submit answered {submitted.StatusCode}");
            }
            return id;
        }
    }
}
