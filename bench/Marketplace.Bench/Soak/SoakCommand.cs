using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Bench.Generation;
using Marketplace.Bench.Matching;
using Marketplace.Bench.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Bench.Soak;

/// <summary>
/// <c>soak --url URL --data DIR --pid API_PID [--minutes 10] [--peak-seconds 30] [--workers 16] [--rate R]</c>: mixed traffic
/// against a running API — searches 70 %, match-feed reads 15 %, demand lists 10 % (POST, matched on submission, then GET
/// its matches), publishes 5 % (create → submit → approve, and the oldest soak offering retired once 200 are live, so the
/// catalog keeps its size; likewise the oldest soak demand list is closed once 200 are open, as owners close lists they are
/// done with: every publish re-matches all open items of its directions, so lists that pile up make a workload that
/// grows by the minute, not a steady one — see bench/RESULTS.md, issue 9). First the peak: the mix in a closed loop on <c>--workers</c> connections for
/// <c>--peak-seconds</c> (after a warm-up of half that). Then <c>--minutes</c> at half that rate (or <c>--rate</c>),
/// open loop: operations start on schedule whatever the latency, and each one's latency counts from its scheduled start.
/// Reports per minute: operations, errors, p50/p99 and the API's resident memory (VmRSS of <c>--pid</c>), and the
/// verdict: 0 errors, and the last minute's memory within 10 % of the second's.
/// </summary>
public static class SoakCommand
{
    private const int MaxOutstanding = 512;

    public static async Task<int> RunAsync(Args args)
    {
        var url = args.Optional("url") ?? "http://127.0.0.1:5080";
        var data = Path.GetFullPath(args.Required("data"));
        var pid = int.Parse(args.Required("pid"), CultureInfo.InvariantCulture);
        var minutes = args.Int("minutes", 10);
        var peakSeconds = args.Int("peak-seconds", 30);
        var workers = args.Int("workers", 16);
        var keys = BenchKeys.Load(data);
        var traffic = await Traffic.CreateAsync(url, keys);

        Console.WriteLine($"soak: {url}, API pid {pid}, load average {LoadAverage()}");
        await ClosedLoopAsync(traffic, workers, TimeSpan.FromSeconds(peakSeconds / 2.0), _ => { });
        var peakSamples = new ConcurrentBag<Sample>();
        var peakClock = Stopwatch.StartNew();
        await ClosedLoopAsync(traffic, workers, TimeSpan.FromSeconds(peakSeconds), peakSamples.Add);
        var peak = peakSamples.Count / peakClock.Elapsed.TotalSeconds;
        var peakErrors = peakSamples.Count(s => !s.Ok);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak: {peak:F0} operations/s on {workers} connections ({peakErrors} errors), p99 {Latency.Of(peakSamples.Select(s => s.Ms)).P99:F1} ms; {Mix(peakSamples)}"));

        var rate = args.Optional("rate") is { } fixedRate ? double.Parse(fixedRate, CultureInfo.InvariantCulture) : peak / 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {minutes} min at {rate:F0} operations/s (open loop)"));
        // Resident memory swings by about ±10 % within a minute as gen 2 grows and is collected: one sample at a minute's end
        // says more about the GC's phase than about growth. Each minute's figure is the mean of a sample every 5 s.
        // The index's files, and those deleted since but still open or mapped by the API: the segments that old readers keep
        // alive (a cursor's next page is read from the reader its first page came from, kept up to 10 minutes).
        var index = Path.Combine(data, "index");
        Console.WriteLine("minute  operations  errors  late    p50 ms    p99 ms   RSS MiB (mean, min–max of 5 s samples)  index MiB (files + held deleted)  load average");
        var all = new List<Sample>();
        var minuteRss = new List<double>();
        var errors = new ConcurrentQueue<string>();
        var started = Stopwatch.StartNew();
        var late = 0;
        for (var minute = 1; minute <= minutes; minute++)
        {
            var samples = new ConcurrentBag<Sample>();
            using var sampling = new CancellationTokenSource();
            var rssSamples = SampleResidentAsync(pid, sampling.Token);
            var lateThisMinute = await OpenLoopAsync(traffic, rate, TimeSpan.FromMinutes(1), s =>
            {
                samples.Add(s);
                if (!s.Ok && errors.Count < 20)
                {
                    errors.Enqueue($"{s.Kind}: {s.Error}");
                }
            });
            late += lateThisMinute;
            await sampling.CancelAsync();
            var resident = await rssSamples;
            var rss = resident.Average();
            minuteRss.Add(rss);
            all.AddRange(samples);
            var latency = Latency.Of(samples.Select(s => s.Ms));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{minute,6}  {samples.Count,10}  {samples.Count(s => !s.Ok),6}  {lateThisMinute,4}  {latency.P50,8:F1}  {latency.P99,8:F1}  {rss,8:F0} ({resident.Min():F0}–{resident.Max():F0})  {FolderMiB(index),8:F0} + {HeldDeletedMiB(pid, index),6:F0}  {LoadAverage()}"));
        }
        var totalErrors = all.Count(s => !s.Ok);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"total: {all.Count} operations in {started.Elapsed.TotalMinutes:F1} min ({all.Count / started.Elapsed.TotalSeconds:F0}/s), {totalErrors} errors, {late} started late (over {MaxOutstanding} outstanding)"));
        foreach (var kind in all.GroupBy(s => s.Kind).OrderBy(g => g.Key))
        {
            Console.WriteLine($"  {kind.Key,-8} {Latency.Of(kind.Select(s => s.Ms))} errors={kind.Count(s => !s.Ok)}");
        }
        foreach (var error in errors)
        {
            Console.WriteLine($"  error: {error}");
        }
        var flat = minuteRss.Count >= 2 && Math.Abs(minuteRss[^1] - minuteRss[1]) <= 0.10 * minuteRss[1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SOAK errors={totalErrors} p99_ms={Latency.Of(all.Select(s => s.Ms)).P99:F1} rss_second_mib={(minuteRss.Count > 1 ? minuteRss[1] : 0):F0} rss_last_mib={(minuteRss.Count > 0 ? minuteRss[^1] : 0):F0} memory_flat={flat} verdict={(totalErrors == 0 && flat ? "pass" : "fail")}"));
        return totalErrors == 0 && flat ? 0 : 1;
    }

    private sealed record Sample(string Kind, double Ms, bool Ok, string? Error);

    private static string Mix(IEnumerable<Sample> samples) =>
        string.Join(", ", samples.GroupBy(s => s.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));

    private static async Task ClosedLoopAsync(Traffic traffic, int workers, TimeSpan duration, Action<Sample> record)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(1_000 + w);
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                record(await traffic.RunAsync(random, started));
            }
        })));
    }

    /// <summary>Starts operations at <paramref name="rate"/> per second for <paramref name="duration"/>; returns how many started late.</summary>
    private static async Task<int> OpenLoopAsync(Traffic traffic, double rate, TimeSpan duration, Action<Sample> record)
    {
        var random = new Random();
        var running = new ConcurrentDictionary<Task, bool>();
        var interval = Stopwatch.Frequency / rate;
        var begin = Stopwatch.GetTimestamp();
        var end = begin + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var late = 0;
        for (long n = 0; ; n++)
        {
            var due = begin + (long)(n * interval);
            if (due >= end)
            {
                break;
            }
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }
            if (running.Count >= MaxOutstanding)
            {
                late++;
                continue;
            }
            Random operationRandom;
            lock (random)
            {
                operationRandom = new Random(random.Next());
            }
            var task = Task.Run(() => traffic.RunAsync(operationRandom, due));
            running[task] = true;
            _ = task.ContinueWith(t =>
            {
                record(t.Result);
                running.TryRemove(t, out _);
            }, TaskScheduler.Default);
        }
        while (!running.IsEmpty)
        {
            await Task.Delay(50);
        }
        return late;
    }

    /// <summary>The process's resident memory every 5 s until cancelled (and once at the end).</summary>
    private static async Task<List<double>> SampleResidentAsync(int pid, CancellationToken ct)
    {
        var samples = new List<double>();
        try
        {
            while (true)
            {
                samples.Add(ResidentMiB(pid));
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
            }
        }
        catch (OperationCanceledException)
        {
            samples.Add(ResidentMiB(pid));
        }
        return samples;
    }

    private static double ResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static double FolderMiB(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => { try { return new FileInfo(f).Length; } catch (IOException) { return 0L; } }) / 1048576.0
            : 0;

    /// <summary>Files under <paramref name="folder"/> deleted but still held by the process: open (/proc/PID/fd) or mapped (/proc/PID/maps).</summary>
    private static double HeldDeletedMiB(int pid, string folder)
    {
        const string Deleted = " (deleted)";
        var held = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines($"/proc/{pid}/maps"))
        {
            var at = line.IndexOf(folder, StringComparison.Ordinal);
            if (at < 0 || !line.EndsWith(Deleted, StringComparison.Ordinal))
            {
                continue;
            }
            var range = line[..line.IndexOf(' ', StringComparison.Ordinal)].Split('-');
            var length = long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) - long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var path = line[at..];
            held[path] = held.GetValueOrDefault(path) + length;
        }
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                var target = File.ResolveLinkTarget(fd, returnFinalTarget: false)?.FullName;
                if (target is null || !target.StartsWith(folder, StringComparison.Ordinal) || !target.EndsWith(Deleted, StringComparison.Ordinal) || held.ContainsKey(target))
                {
                    continue;
                }
                using var stream = new FileStream(fd, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                held[target] = stream.Length;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return held.Values.Sum() / 1048576.0;
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>The operations of the mix, each one or a few requests, as a user would send them.</summary>
    private sealed class Traffic
    {
        private readonly HttpClient _anonymous;
        private readonly HttpClient _operator;
        private readonly HttpClient _enterprise;
        private readonly HttpClient _center;
        private readonly HttpClient[] _integrators;
        private readonly IReadOnlyList<BenchQuery> _queries;
        private readonly Corpus _corpus = new(TaxonomyCatalog.Default);
        private readonly OfferingGenerator _offerings;
        private readonly ConcurrentQueue<string> _published = new();
        private readonly ConcurrentQueue<string> _openLists = new();
        private const int OpenListsKept = 200;
        private int _sequence;
        private long _feedHead;

        private Traffic(string url, BenchKeys keys, HttpClient[] integrators)
        {
            _anonymous = Client(url, null);
            _operator = Client(url, keys.Operator);
            _enterprise = Client(url, keys.Enterprise);
            _center = Client(url, keys.CapabilityCenter);
            _integrators = integrators;
            _queries = QueryMix.Create(2_000, 7);
            _offerings = new OfferingGenerator(_corpus, 77);
        }

        public static async Task<Traffic> CreateAsync(string url, BenchKeys keys)
        {
            using var op = Client(url, keys.Operator);
            var integrators = new HttpClient[8];
            var corpus = new Corpus(TaxonomyCatalog.Default);
            var random = new Random();
            for (var i = 0; i < integrators.Length; i++)
            {
                var response = await op.PostAsJsonAsync("/api/v1/organizations", new
                {
                    kind = "integrator",
                    name = corpus.CompanyName(random),
                    creditCode = CreditCode(random),
                    district = corpus.District(random),
                });
                var text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"creating an integrator: {(int)response.StatusCode} {text}");
                }
                integrators[i] = Client(url, JsonDocument.Parse(text).RootElement.GetProperty("apiKey").GetString());
            }
            return new Traffic(url, keys, integrators);
        }

        public async Task<Sample> RunAsync(Random random, long scheduled)
        {
            var roll = random.NextDouble();
            var kind = roll < 0.70 ? "search" : roll < 0.85 ? "feed" : roll < 0.95 ? "demand" : "publish";
            try
            {
                switch (kind)
                {
                    case "search":
                        await SendAsync(_anonymous, HttpMethod.Get, _queries[random.Next(_queries.Count)].Path, null);
                        break;
                    case "feed":
                        // A capability center re-reading from a cursor it was given: one at or before the feed's head (a cursor
                        // beyond it is refused with 400).
                        var page = await SendAsync(_center, HttpMethod.Get, $"/api/v1/matches/feed?limit=100&after={random.NextInt64(0, Interlocked.Read(ref _feedHead) + 1)}", null);
                        if (long.TryParse(page.GetProperty("nextCursor").GetString(), out var next) && next > Interlocked.Read(ref _feedHead))
                        {
                            Interlocked.Exchange(ref _feedHead, next);
                        }
                        break;
                    case "demand":
                        var list = MatchCommand.DemandList(random, _corpus, Interlocked.Increment(ref _sequence),
                            sub => QueryMix.Sentence(random, _corpus, sub));
                        var created = await SendAsync(_enterprise, HttpMethod.Post, "/api/v1/demand-lists", list);
                        var listId = created.GetProperty("id").GetString()!;
                        await SendAsync(_enterprise, HttpMethod.Get, $"/api/v1/demand-lists/{listId}/matches?topK=10", null);
                        _openLists.Enqueue(listId);
                        if (_openLists.Count > OpenListsKept && _openLists.TryDequeue(out var oldestList))
                        {
                            await SendAsync(_enterprise, HttpMethod.Post, $"/api/v1/demand-lists/{oldestList}/close", null);
                        }
                        break;
                    default:
                        await PublishAsync(random);
                        break;
                }
                return new Sample(kind, Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds, true, null);
            }
            catch (Exception e)
            {
                return new Sample(kind, Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds, false, e.Message);
            }
        }

        private async Task PublishAsync(Random random)
        {
            var integrator = _integrators[random.Next(_integrators.Length)];
            Marketplace.Core.Offerings.OfferingInput input;
            lock (_offerings)
            {
                input = _offerings.Create(Interlocked.Increment(ref _sequence), out _);
            }
            var created = await SendAsync(integrator, HttpMethod.Post, "/api/v1/offerings", input);
            var id = created.GetProperty("id").GetString()!;
            await SendAsync(integrator, HttpMethod.Post, $"/api/v1/offerings/{id}/submit", null);
            await SendAsync(_operator, HttpMethod.Post, $"/api/v1/offerings/{id}/approve", null);
            _published.Enqueue(id);
            if (_published.Count > 200 && _published.TryDequeue(out var oldest))
            {
                await SendAsync(_operator, HttpMethod.Post, $"/api/v1/offerings/{oldest}/retire", null);
            }
        }

        private static HttpClient Client(string url, string? key)
        {
            var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = new Uri(url),
                Timeout = TimeSpan.FromSeconds(30),
            };
            if (key is not null)
            {
                client.DefaultRequestHeaders.Add("X-Api-Key", key);
            }
            return client;
        }

        private static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, object? body)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType()) };
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{method} {path.Split('?')[0]}: {(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
            }
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        private static string CreditCode(Random random) =>
            Marketplace.Core.Organizations.CreditCode.Complete($"91500106{random.Next(0, 99_999_999):D8}{random.Next(10)}");
    }
}
