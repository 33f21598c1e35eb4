using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Marketplace.Bench.Generation;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Lucene;

namespace Marketplace.Bench.Searching;

/// <summary>
/// <c>engine --data DIR [--mix taxonomy|real|vocab] [--threads 2] [--seconds 20] [--warmup 5] [--queries 2000] [--seed 7] [--out FILE] [--breakdown [--breakdown-queries 300] [--repeat 3]] [--cache 0] [--kind long] [--index-warm-up]</c>:
/// the query mix run in-process against <see cref="LuceneOfferingIndex"/> alone (no HTTP, no JSON), closed loop on
/// N threads; throughput and latency percentiles overall and per kind of query. <c>--breakdown</c> adds one
/// single-threaded pass per variant (no highlights, no facets, neither) to show what each costs.
/// </summary>
public static class EngineCommand
{
    public static async Task<int> RunAsync(Args args)
    {
        var data = Path.GetFullPath(args.Required("data"));
        var threads = args.Int("threads", 2);
        var seconds = args.Int("seconds", 20);
        var warmup = args.Int("warmup", 5);
        var queries = Mixes.Create(args)
            .Where(q => args.Optional("kind") is not { } kind || q.Kind == kind)
            .ToList();
        var ct = CancellationToken.None;

        // The mix rotates through a fixed set of queries: the engine's result cache (main 98db706) would answer all of them
        // after the first pass, so it is off unless --cache N asks for it.
        await using var index = new LuceneOfferingIndex(new LuceneIndexOptions
        {
            IndexDirectory = BenchStorage.IndexDirectory(data),
            ResultCacheEntries = args.Int("cache", 0),
            // --postings-mb: the decoded-postings budget (the API's default 256); a large one shows what eviction costs a mix.
            PostingsCacheMegabytes = args.Int("postings-mb", 256),
            // The explicit pass below decodes what the mix uses; --index-warm-up measures the index's own start-up warm-up first.
            WarmUpPostings = args.Flag("index-warm-up"),
        }, Thesaurus.Default, TaxonomyCatalog.Default);
        var opening = Stopwatch.StartNew();
        var openingCpu = Process.GetCurrentProcess().TotalProcessorTime;
        await index.EnsureCreatedAsync(ct);
        await index.WarmedUp;
        if (args.Flag("index-warm-up"))
        {
            var (warmEntries, warmBytes, _) = LuceneOfferingIndex.PostingsCacheUsage;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"index warm-up: {opening.Elapsed.TotalSeconds:F1} s, process CPU {(Process.GetCurrentProcess().TotalProcessorTime - openingCpu).TotalSeconds:F1} s; {warmEntries:N0} clauses, {warmBytes / 1048576.0:F0} MiB decoded"));
        }
        var all = await index.SearchAsync(new OfferingSearchRequest { Limit = 0, IncludeFacets = false, Highlight = false }, ct);
        Console.WriteLine($"engine: {all.Total:N0} live offerings in {BenchStorage.IndexDirectory(data)}; mix {Mixes.Name(args)}, {queries.Count} queries " +
            string.Join(", ", queries.GroupBy(q => q.Kind).Select(g => $"{g.Key} {g.Count()}")));

        // Warm-up: every query once (JIT, caches, facet ordinals per segment), then a timed closed loop.
        long hitSum = 0;
        foreach (var q in queries)
        {
            hitSum += (await index.SearchAsync(q.Request, ct)).Total;
        }
        Console.WriteLine($"  mean total hits per query: {hitSum / (double)queries.Count:F0}");
        await ClosedLoopAsync(index, queries, threads, TimeSpan.FromSeconds(warmup), ct);

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var collectionsBefore = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
        var (throughput, samples) = await ClosedLoopAsync(index, queries, threads, TimeSpan.FromSeconds(seconds), ct);
        var cpuPerSearch = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / samples.Count;
        var overall = Latency.Of(samples.Select(s => s.Ms));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"engine: {threads} threads, {seconds} s: {throughput:F0} searches/s; latency {overall}"));
        // Process CPU per search is what the machine's cores can sustain (less sensitive to other load than wall time).
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  process CPU {cpuPerSearch:F3} ms/search => at most {Environment.ProcessorCount * 1000 / cpuPerSearch:F0} searches/s on {Environment.ProcessorCount} idle cores; " +
            $"allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0 / samples.Count:F0} KiB/search; " +
            $"GCs gen0/1/2 {string.Join('/', Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collectionsBefore[g]))}"));
        foreach (var kind in samples.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {kind.Key,-7} {Latency.Of(kind.Select(s => s.Ms))}");
        }
        var (entries, bytes, limit) = LuceneOfferingIndex.PostingsCacheUsage;
        Console.WriteLine($"  postings cache: {entries:N0} leaves, {bytes / 1048576.0:F0} of {limit / 1048576.0:F0} MiB");
        var filtered = samples.Where(s => s.Filtered);
        Console.WriteLine($"  with filters (multi-select facet passes): {Latency.Of(filtered.Select(s => s.Ms))}");
        Console.WriteLine($"  memory: {ProcessMemory.Describe()}");

        if (args.Flag("breakdown"))
        {
            // Process CPU per search (what two idle cores can sustain), the least of --repeat passes: other work on a
            // shared machine only ever adds to it.
            var subset = queries.Take(args.Int("breakdown-queries", 300)).ToArray();
            var repeat = Math.Max(1, args.Int("repeat", 3));
            async Task<double> CpuPerSearchAsync(IReadOnlyList<OfferingSearchRequest> requests)
            {
                var best = double.MaxValue;
                for (var r = 0; r < repeat; r++)
                {
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    foreach (var request in requests)
                    {
                        await index.SearchAsync(request, ct);
                    }
                    best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / requests.Count);
                }
                return best;
            }
            Console.WriteLine($"breakdown (1 thread, the first {subset.Length} queries of the mix, process CPU ms per search, least of {repeat} passes):");
            foreach (var kind in subset.GroupBy(q => q.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var cpu = await CpuPerSearchAsync(kind.Select(q => q.Request).ToList());
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  kind {kind.Key,-9} {cpu:F3}"));
            }
            foreach (var (name, change) in new (string, Func<OfferingSearchRequest, OfferingSearchRequest>)[]
            {
                ("full", r => r),
                ("no highlights", r => r with { Highlight = false }),
                ("no facets", r => r with { IncludeFacets = false }),
                ("neither", r => r with { Highlight = false, IncludeFacets = false }),
            })
            {
                var cpu = await CpuPerSearchAsync(subset.Select(q => change(q.Request)).ToList());
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-14} {cpu:F3}"));
            }
        }

        if (args.Optional("out") is { } output)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
            {
                threads,
                seconds,
                searchesPerSecond = Math.Round(throughput, 1),
                p50Ms = Math.Round(overall.P50, 2),
                p95Ms = Math.Round(overall.P95, 2),
                p99Ms = Math.Round(overall.P99, 2),
            }), ct);
        }
        return 0;
    }

    private sealed record Sample(string Kind, bool Filtered, double Ms);

    private static async Task<(double Throughput, List<Sample> Samples)> ClosedLoopAsync(LuceneOfferingIndex index, IReadOnlyList<BenchQuery> queries, int threads,
        TimeSpan duration, CancellationToken ct)
    {
        var perThread = new List<Sample>[threads];
        var start = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            var samples = perThread[t] = new List<Sample>(100_000);
            var i = t * queries.Count / threads;
            while (start.Elapsed < duration)
            {
                var q = queries[i++ % queries.Count];
                var began = Stopwatch.GetTimestamp();
                index.SearchAsync(q.Request, ct).GetAwaiter().GetResult(); // synchronous inside the engine
                samples.Add(new Sample(q.Kind, Filtered(q.Request), Stopwatch.GetElapsedTime(began).TotalMilliseconds));
            }
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = start.Elapsed.TotalSeconds;
        var all = perThread.SelectMany(s => s).ToList();
        return (all.Count / elapsed, all);
    }

    private static bool Filtered(OfferingSearchRequest r) =>
        r.Directions.Count > 0 || r.SubDirections.Count > 0 || r.District is not null || r.Type is not null || r.Deployment is not null;
}

/// <summary><c>queries --out FILE [--mix taxonomy|real|vocab] [--queries 2000 (vocab: words / 4)] [--seed 7] [--eval DIR] [--words 50000]</c>: the HTTP paths of a query mix, one per line (for wrk).</summary>
public static class QueriesCommand
{
    public static async Task<int> RunAsync(Args args)
    {
        var queries = Mixes.Create(args);
        var output = args.Required("out");
        await File.WriteAllLinesAsync(output, queries.Select(q => q.Path));
        Console.WriteLine($"queries: mix {Mixes.Name(args)}, {queries.Count} paths written to {output}: " +
            string.Join(", ", queries.GroupBy(q => q.Kind).Select(g => $"{g.Key} {g.Count()}")));
        return 0;
    }
}

/// <summary>
/// The query mixes: <c>taxonomy</c> (the first mix, <see cref="QueryMix"/>), <c>real</c> (<see cref="RealLanguageMix"/>,
/// eval texts from <c>--eval DIR</c> when given) and <c>vocab</c> (<see cref="LargeVocabularyMix"/>, <c>--words</c> distinct words).
/// </summary>
public static class Mixes
{
    public static string Name(Args args) => args.Optional("mix") ?? "taxonomy";

    public static IReadOnlyList<BenchQuery> Create(Args args) => Name(args) switch
    {
        "taxonomy" => QueryMix.Create(args.Int("queries", 2_000), args.Int("seed", 7)),
        "real" => RealLanguageMix.Create(args.Int("queries", 2_000), args.Int("seed", 7), args.Optional("eval")),
        "vocab" => LargeVocabularyMix.Create(args.Int("words", 50_000), args.Int("seed", 7), args.Optional("eval"),
            args.Optional("queries") is null ? null : args.Int("queries", 0)),
        var other => throw new ArgumentException($"unknown mix '{other}' (taxonomy, real or vocab)"),
    };
}

/// <summary>This process's resident memory now and at its peak (Linux <c>/proc/self/status</c>).</summary>
public static class ProcessMemory
{
    public static string Describe()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return $"working set {Environment.WorkingSet / 1048576.0:F0} MiB";
        }
        var lines = File.ReadLines(path).Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal) || l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return string.Join(", ", lines.Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\s+", " ")))
            + $"; managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB";
    }
}
