using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Lucene;

namespace Marketplace.Tests.Search;

/// <summary>
/// CPU cost per search at 100,000 seeded synthetic offerings, per query kind, measured as thread CPU
/// time (the machine is shared, wall time is noise), plus a 2-thread in-process throughput run.
/// The index is built once into <c>MARKETPLACE_PERF_INDEX</c> (default: a folder under /tmp) and
/// reused; <c>MARKETPLACE_PERF_FINGERPRINT</c> names a file that receives every answer (totals, ids,
/// relative scores, facets, highlights) so that two versions of the engine can be diffed.
/// Run in Release: <c>dotnet test -c Release --filter FullyQualifiedName~LuceneCpuBenchmark</c>.
/// </summary>
[Category(TestCategories.Manual)]
[Explicit("Builds a 100k index (minutes) and measures CPU per search; run by hand.")]
public class LuceneCpuBenchmarkTests
{
    private const int DocumentCount = 100_000;
    private const string LayoutMarker = "perf-layout-4";

    [Test]
    public async Task Cpu_per_search_by_query_kind_at_100k()
    {
        var root = Environment.GetEnvironmentVariable("MARKETPLACE_PERF_INDEX") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "marketplace-perf-100k");
        var marker = Path.Combine(root, LayoutMarker);
        if (!File.Exists(marker))
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
            var buffer = double.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_PERF_RAM_BUFFER_MB"), CultureInfo.InvariantCulture, out var mb) ? mb : new LuceneIndexOptions { IndexDirectory = root }.RebuildRamBufferSizeMb;
            await using var building = new LuceneOfferingIndex(new LuceneIndexOptions { IndexDirectory = root, RebuildRamBufferSizeMb = buffer }, Thesaurus.Default, TaxonomyCatalog.Default);
            await building.EnsureCreatedAsync(CancellationToken.None);
            var clock = Stopwatch.StartNew();
            await using (var rebuild = await building.BeginRebuildAsync(CancellationToken.None))
            {
                foreach (var batch in SyntheticOfferings.Create(DocumentCount).Chunk(2_000))
                {
                    await rebuild.AddAsync(batch, CancellationToken.None);
                }
                await rebuild.SwapAsync(CancellationToken.None);
            }
            TestContext.Out.WriteLine($"built {DocumentCount} docs in {clock.Elapsed.TotalSeconds:F1} s");
            await File.WriteAllTextAsync(marker, "ok");
        }

        await using var index = new LuceneOfferingIndex(new LuceneIndexOptions { IndexDirectory = root, ResultCacheEntries = 0 }, Thesaurus.Default, TaxonomyCatalog.Default);
        await index.EnsureCreatedAsync(CancellationToken.None);
        var kinds = QueryKinds();

        // Fingerprint and warm-up (tiered JIT, caches).
        var fingerprint = new StringBuilder();
        foreach (var (kind, requests) in kinds)
        {
            for (var i = 0; i < requests.Count; i++)
            {
                var result = await index.SearchAsync(requests[i], CancellationToken.None);
                Describe(fingerprint, $"{kind}#{i}", requests[i], result);
            }
        }
        if (Environment.GetEnvironmentVariable("MARKETPLACE_PERF_FINGERPRINT") is { Length: > 0 } file)
        {
            await File.WriteAllTextAsync(file, fingerprint.ToString());
        }
        for (var round = 0; round < 3; round++)
        {
            foreach (var (_, requests) in kinds)
            {
                foreach (var request in requests)
                {
                    await index.SearchAsync(request, CancellationToken.None);
                }
            }
        }

        var rounds = int.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_PERF_ROUNDS"), out var r) ? r : 5;
        double totalCpu = 0;
        var totalCount = 0;
        var only = Environment.GetEnvironmentVariable("MARKETPLACE_PERF_ONLY");
        foreach (var (kind, requests) in kinds.Where(k => string.IsNullOrEmpty(only) || k.Kind.Contains(only, StringComparison.Ordinal)))
        {
            GC.Collect();
            var process = Process.GetCurrentProcess().TotalProcessorTime;
            var thread = ThreadCpu();
            var count = 0;
            for (var round = 0; round < rounds; round++)
            {
                foreach (var request in requests)
                {
                    await index.SearchAsync(request, CancellationToken.None);
                    count++;
                }
            }
            var threadMs = (ThreadCpu() - thread).TotalMilliseconds / count;
            var processMs = (Process.GetCurrentProcess().TotalProcessorTime - process).TotalMilliseconds / count;
            totalCpu += processMs * requests.Count;
            totalCount += requests.Count;
            TestContext.Out.WriteLine($"{kind,-28} thread CPU {threadMs,7:F3} ms/search   process CPU {processMs,7:F3} ms/search   ({count} searches)");
        }
        TestContext.Out.WriteLine($"{"mix (each query once)",-28} process CPU {totalCpu / totalCount,7:F3} ms/search");

        // Throughput: 2 threads over the whole mix.
        var mix = kinds.SelectMany(k => k.Requests).ToArray();
        var seconds = double.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_PERF_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 10;
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var done = 0L;
        var latencies = new List<double>[2];
        var workers = Enumerable.Range(0, 2).Select(w => Task.Factory.StartNew(() =>
        {
            var mine = latencies[w] = [];
            var random = new Random(w);
            while (watch.Elapsed.TotalSeconds < seconds)
            {
                var started = watch.Elapsed.TotalMilliseconds;
                index.SearchAsync(mix[random.Next(mix.Length)], CancellationToken.None).GetAwaiter().GetResult();
                mine.Add(watch.Elapsed.TotalMilliseconds - started);
                Interlocked.Increment(ref done);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = watch.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        TestContext.Out.WriteLine(
            $"2 threads: {done / elapsed:F0} searches/s wall ({cpu / done:F3} ms CPU/search => {2_000 / (cpu / done):F0}/s on 2 idle cores), " +
            $"p50 {all[all.Count / 2]:F2} ms p99 {all[(int)(all.Count * 0.99)]:F2} ms");
    }

    private static void Describe(StringBuilder output, string name, OfferingSearchRequest request, OfferingSearchResult result)
    {
        var best = result.Hits.Count == 0 ? 1 : Math.Max(result.Hits.Max(h => h.Score), 1e-9);
        output.Append(name).Append(" text=").Append(request.Text).Append(" total=").Append(result.Total)
            .Append(" next=").Append(result.NextCursor is not null).AppendLine();
        foreach (var hit in result.Hits)
        {
            output.Append("  ").Append(hit.Id.ToString("N")[..12]).Append(' ')
                .Append((hit.Score / best).ToString("F5", CultureInfo.InvariantCulture))
                .Append(" [").AppendJoin('|', hit.MatchedTerms).Append("] ")
                .AppendJoin(" / ", hit.Highlights).AppendLine();
        }
        foreach (var (facet, counts) in result.Facets.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            output.Append("  facet ").Append(facet).Append(": ").AppendJoin(", ", counts.Select(c => $"{c.Value}={c.Count}")).AppendLine();
        }
    }

    private static List<(string Kind, List<OfferingSearchRequest> Requests)> QueryKinds()
    {
        var random = new Random(7);
        var taxonomy = TaxonomyCatalog.Default;
        var subs = taxonomy.SubDirections.ToArray();
        var directions = subs.Select(s => s.DirectionCode).Distinct().ToArray();
        var districts = taxonomy.Districts.Select(d => d.Name).ToArray();
        var vocabulary = subs.SelectMany(s => s.Aliases.Prepend(s.Name).Concat(s.Problems)).Concat(SyntheticOfferings.Phrases).Distinct().ToArray();
        string Text(int min, int max) => string.Join(random.Next(2) == 0 ? " " : "", Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => vocabulary[random.Next(vocabulary.Length)]));
        string[] types = ["solution", "tool", "service", "hardware"];
        string[] deployments = ["saas", "private", "on-premise", "hybrid"];
        SearchSort AnySort() => (SearchSort)random.Next(4);

        List<OfferingSearchRequest> Many(int n, Func<OfferingSearchRequest> make) => Enumerable.Range(0, n).Select(_ => make()).ToList();
        return
        [
            ("empty, facets", Many(4, () => new OfferingSearchRequest { Sort = AnySort() })),
            ("empty+filters, facets", Many(20, () => new OfferingSearchRequest
            {
                Directions = random.Next(3) == 0 ? [directions[random.Next(directions.Length)], directions[random.Next(directions.Length)]] : [directions[random.Next(directions.Length)]],
                District = random.Next(2) == 0 ? districts[random.Next(districts.Length)] : null,
                Type = random.Next(3) == 0 ? types[random.Next(types.Length)] : null,
                MaxPriceYuan = random.Next(3) == 0 ? random.Next(1, 60) * 10_000 : null,
                Sort = AnySort(),
            })),
            ("text 2-4 words, facets", Many(30, () => new OfferingSearchRequest { Text = Text(1, 2) })),
            ("text 5-10 words, facets", Many(30, () => new OfferingSearchRequest { Text = Text(2, 5) })),
            ("text+filters+sort, facets", Many(30, () => new OfferingSearchRequest
            {
                Text = Text(1, 4),
                Directions = random.Next(2) == 0 ? [directions[random.Next(directions.Length)]] : [],
                District = random.Next(2) == 0 ? districts[random.Next(districts.Length)] : null,
                Deployment = random.Next(4) == 0 ? deployments[random.Next(deployments.Length)] : null,
                MaxPriceYuan = random.Next(3) == 0 ? random.Next(1, 60) * 10_000 : null,
                MaxDays = random.Next(3) == 0 ? random.Next(30, 200) : null,
                Sort = AnySort(),
            })),
            ("text, no facets (matching)", Many(20, () => new OfferingSearchRequest { Text = Text(3, 8), Limit = 50, IncludeFacets = false, Highlight = false })),
        ];
    }

    private static TimeSpan ThreadCpu()
    {
        if (!OperatingSystem.IsLinux())
        {
            return Process.GetCurrentProcess().TotalProcessorTime;
        }
        clock_gettime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var time);
        return TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
