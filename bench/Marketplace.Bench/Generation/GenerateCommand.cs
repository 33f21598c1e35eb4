using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Offerings;
using Marketplace.Core.Organizations;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Bench.Generation;

/// <summary>
/// <c>generate --count N --data DIR [--parallel 4] [--seed 1] [--keep-outbox]</c>: loads N synthetic offerings through the
/// real storage path (Migrator, OrganizationStore, OfferingStore create → submit → approve, as the API does) into
/// DIR/marketplace.db, then rebuilds the Lucene index in DIR/index from <see cref="OfferingStore.LiveDocumentBatchesAsync"/>.
/// </summary>
public static class GenerateCommand
{
    public static async Task<int> RunAsync(Args args)
    {
        var count = args.Int("count", 100_000);
        var data = Path.GetFullPath(args.Required("data"));
        var parallel = args.Int("parallel", 4);
        var seed = args.Int("seed", 1);
        var ct = CancellationToken.None;
        if (File.Exists(Path.Combine(data, "marketplace.db")))
        {
            Console.Error.WriteLine($"{data} already holds marketplace.db: generate needs a clean folder.");
            return 2;
        }
        Directory.CreateDirectory(data);

        var clock = new BackdatedClock();
        var taxonomy = TaxonomyCatalog.Default;
        var db = BenchStorage.Open(data);
        await new Migrator(db, clock, NullLogger<Migrator>.Instance).MigrateAsync(ct);
        var organizations = new OrganizationStore(db, taxonomy, clock);
        var offerings = new OfferingStore(db, taxonomy, clock);
        var corpus = new Corpus(taxonomy);

        // Organizations: an operator (the bench's own key), integrators, one enterprise and one capability center.
        var total = Stopwatch.StartNew();
        await organizations.BootstrapOperatorAsync(BenchKeys.OperatorKey, ct);
        var operatorOrg = (await organizations.ListAsync(OrganizationKind.Operator.ToCode(), 1, 1, ct)).Items.Single();
        var reviewer = new Actor(operatorOrg.Id, OrganizationKind.Operator);
        var names = new Random(seed);
        var integratorCount = Math.Clamp(count / 50, 20, 2_000);
        var integrators = new Actor[integratorCount];
        for (var i = 0; i < integratorCount; i++)
        {
            var (org, _) = await organizations.CreateAsync(new NewOrganization("integrator", corpus.CompanyName(names), Credit(seed, i),
                corpus.District(names), null, null, false), ct);
            integrators[i] = new Actor(org.Id, org.Kind);
        }
        var (enterprise, enterpriseKey) = await organizations.CreateAsync(new NewOrganization("enterprise", "重庆渝北某汽车零部件有限公司", Credit(seed, 900_001),
            "渝北区", "汽车零部件", "规下高成长", true), ct);
        var (center, centerKey) = await organizations.CreateAsync(new NewOrganization("capability-center", "重庆市工业大脑能力中心", Credit(seed, 900_002),
            "两江新区", null, null, false), ct);
        var keys = new BenchKeys(BenchKeys.OperatorKey, enterpriseKey.Secret, centerKey.Secret, enterprise.Id, center.Id);
        await File.WriteAllTextAsync(Path.Combine(data, BenchKeys.FileName), JsonSerializer.Serialize(keys, BenchKeys.Json), ct);
        Console.WriteLine($"organizations: 1 operator, {integratorCount} integrators, 1 enterprise, 1 capability center");

        // Offerings: create → submit → approve, each step its own transaction, exactly as over HTTP.
        var generator = new OfferingGenerator(corpus, seed);
        var done = 0;
        var load = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (n, token) =>
        {
            var input = generator.Create(n, out var ageDays);
            clock.Offset.Value = TimeSpan.FromDays(-ageDays) - TimeSpan.FromSeconds(n % 86_400);
            var owner = integrators[n % integrators.Length];
            var created = await offerings.CreateAsync(owner, input, token);
            var submitted = await offerings.SubmitAsync(owner, created.Id, created.ETag, token);
            await offerings.ApproveAsync(reviewer, submitted.Id, submitted.ETag, token);
            var d = Interlocked.Increment(ref done);
            if (d % 10_000 == 0)
            {
                Console.WriteLine($"  loaded {d:N0} offerings, {d / load.Elapsed.TotalSeconds:F0}/s");
            }
        });
        load.Stop();
        Console.WriteLine($"load: {count:N0} offerings (create+submit+approve) in {load.Elapsed.TotalSeconds:F1} s = {count / load.Elapsed.TotalSeconds:F0} offerings/s " +
            $"({3 * count / load.Elapsed.TotalSeconds:F0} write transactions/s, parallelism {parallel})");

        if (!args.Flag("keep-outbox"))
        {
            // The rebuild below indexes every live offering at its current version, so the outbox rows of the load are
            // already reflected; marking them processed keeps the API's indexer from replaying 100k no-op writes under load.
            await using var c = await db.OpenAsync(ct);
            var marked = await c.ExecuteAsync("UPDATE search_outbox SET processed_at = @Now WHERE processed_at IS NULL", new { Now = DateTimeOffset.UtcNow });
            Console.WriteLine($"outbox: {marked:N0} rows marked processed (covered by the rebuild)");
        }

        await RebuildCommand.RebuildAsync(data, offerings, ct);
        Console.WriteLine($"generate: total {total.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>A valid, unique 统一社会信用代码 per integrator: 91 + Chongqing division 500000 + 9 digits + check character.</summary>
    private static string Credit(int seed, int n) => CreditCode.Complete($"91500000{(seed % 100):D2}{n:D7}");

    /// <summary>The system clock shifted per async flow, so offerings are published over the past three years.</summary>
    private sealed class BackdatedClock : TimeProvider
    {
        public AsyncLocal<TimeSpan> Offset { get; } = new();

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset.Value;
    }
}

public sealed record BenchKeys(string Operator, string Enterprise, string CapabilityCenter, Guid EnterpriseId, Guid CapabilityCenterId)
{
    public const string FileName = "bench-keys.json";
    public const string OperatorKey = "bench-operator-key-0123456789abcdef";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static BenchKeys Load(string data) =>
        JsonSerializer.Deserialize<BenchKeys>(File.ReadAllText(Path.Combine(data, FileName)), Json)
        ?? throw new InvalidDataException($"{FileName} is empty.");
}

public static class BenchStorage
{
    public static Database Open(string data) => new(new StorageOptions { SqliteFile = Path.Combine(data, "marketplace.db") });

    public static string IndexDirectory(string data) => Path.Combine(data, "index");
}
