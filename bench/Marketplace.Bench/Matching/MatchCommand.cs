using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Bench.Generation;
using Marketplace.Bench.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Bench.Matching;

/// <summary>
/// <c>match --url URL --data DIR [--reps 25] [--warmup 3] [--feed-events 1500] [--feed-reps 30] [--seed 11] [--mix taxonomy|real] [--eval DIR]</c>: against a running API,
/// times <c>POST /api/v1/demand-lists</c> (10 items, matched on submission) + <c>GET …/matches</c> end to end, then makes sure the
/// feed holds enough match events and times <c>GET /api/v1/matches/feed?limit=500</c> pages. Keys come from DIR/bench-keys.json.
/// </summary>
public static class MatchCommand
{
    public static async Task<int> RunAsync(Args args)
    {
        var url = args.Optional("url") ?? "http://127.0.0.1:5080";
        var keys = BenchKeys.Load(Path.GetFullPath(args.Required("data")));
        var reps = args.Int("reps", 25);
        var warmup = args.Int("warmup", 3);
        var feedEvents = args.Int("feed-events", 1_500);
        var feedReps = args.Int("feed-reps", 30);
        var random = new Random(args.Int("seed", 11));
        var corpus = new Corpus(TaxonomyCatalog.Default);
        var ct = CancellationToken.None;
        // The taxonomy mix's sentences (built from item names and problems), or owners' own words (issue 10).
        var real = Mixes.Name(args) == "real";
        var eval = RealLanguageMix.EvalTexts.Load(args.Optional("eval"));
        string Text(SubDirection sub) => !real ? QueryMix.Sentence(random, corpus, sub)
            : eval.Sentences.Count > 0 && random.Next(3) == 0 ? Corpus.Pick(random, eval.Sentences)
            : RealLanguageMix.Sentence(random, corpus);

        using var enterprise = Client(url, keys.Enterprise);
        using var center = Client(url, keys.CapabilityCenter);

        var post = new List<double>();
        var get = new List<double>();
        var endToEnd = new List<double>();
        var matchCounts = new List<int>();
        for (var r = 0; r < warmup + reps; r++)
        {
            var body = DemandList(random, corpus, r, Text);
            var clock = Stopwatch.StartNew();
            var created = await SendAsync(enterprise, HttpMethod.Post, "/api/v1/demand-lists", body, ct);
            var posted = clock.Elapsed.TotalMilliseconds;
            var id = created.GetProperty("id").GetString();
            var matches = await SendAsync(enterprise, HttpMethod.Get, $"/api/v1/demand-lists/{id}/matches?topK=10", null, ct);
            var total = clock.Elapsed.TotalMilliseconds;
            if (r >= warmup)
            {
                post.Add(posted);
                get.Add(total - posted);
                endToEnd.Add(total);
                matchCounts.Add(matches.GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("matches").GetArrayLength()));
            }
        }
        Console.WriteLine($"match: 10-item demand list ({(real ? "owners' sentences" : "taxonomy sentences")}), {reps} repetitions ({warmup} warm-up), mean matches per list {matchCounts.Average():F0}");
        Console.WriteLine($"  POST /demand-lists       {Latency.Of(post)}");
        Console.WriteLine($"  GET  …/matches?topK=10   {Latency.Of(get)}");
        Console.WriteLine($"  end to end               {Latency.Of(endToEnd)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MATCH median_ms={Latency.Of(endToEnd).P50:F1}"));

        // The feed: enough events for several full pages of 500 (one event per demand item per match run).
        var events = await CountFeedAsync(center, ct);
        var extra = 0;
        while (events < feedEvents)
        {
            var batch = Enumerable.Range(0, 4).Select(_ => DemandList(random, corpus, extra++, Text)).ToArray();
            await Task.WhenAll(batch.Select(b => SendAsync(enterprise, HttpMethod.Post, "/api/v1/demand-lists", b, ct)));
            events += 40;
            if (extra % 40 == 0)
            {
                events = await CountFeedAsync(center, ct);
            }
        }
        events = await CountFeedAsync(center, ct);
        Console.WriteLine($"feed: {events:N0} match events ({extra} extra lists created)");

        var cursors = new List<string?> { null };
        await foreach (var (_, count, next) in PagesAsync(center, ct))
        {
            if (count == 500)
            {
                cursors.Add(next);
            }
        }
        cursors.RemoveAt(cursors.Count - 1); // the page after the last full one may be short
        var feed = new List<double>();
        for (var r = 0; r < feedReps + 3; r++)
        {
            var cursor = cursors[r % cursors.Count];
            var clock = Stopwatch.StartNew();
            var page = await SendAsync(center, HttpMethod.Get, "/api/v1/matches/feed?limit=500" + (cursor is null ? "" : "&after=" + Uri.EscapeDataString(cursor)), null, ct);
            var ms = clock.Elapsed.TotalMilliseconds;
            var n = page.GetProperty("items").GetArrayLength();
            if (n != 500)
            {
                throw new InvalidOperationException($"expected a full page of 500, got {n}");
            }
            if (r >= 3)
            {
                feed.Add(ms);
            }
        }
        Console.WriteLine($"  GET /matches/feed?limit=500 ({cursors.Count} distinct full pages) {Latency.Of(feed)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FEED median_ms={Latency.Of(feed).P50:F1}"));
        return 0;
    }

    private static HttpClient Client(string url, string key)
    {
        var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<int> CountFeedAsync(HttpClient center, CancellationToken ct)
    {
        var total = 0;
        await foreach (var (_, count, _) in PagesAsync(center, ct))
        {
            total += count;
        }
        return total;
    }

    private static async IAsyncEnumerable<(string? After, int Count, string Next)> PagesAsync(HttpClient center,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? after = null;
        while (true)
        {
            var page = await SendAsync(center, HttpMethod.Get, "/api/v1/matches/feed?limit=500" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)), null, ct);
            var count = page.GetProperty("items").GetArrayLength();
            var next = page.GetProperty("nextCursor").GetString()!;
            yield return (after, count, next);
            if (count < 500)
            {
                yield break;
            }
            after = next;
        }
    }

    /// <summary>Ten needs in an SME's words; some state a direction, most a budget, some a time frame.</summary>
    internal static object DemandList(Random random, Corpus corpus, int n, Func<SubDirection, string> text)
    {
        var items = Enumerable.Range(0, 10).Select(_ =>
        {
            var sub = corpus.WeightedSubDirection(random);
            var stated = random.NextDouble();
            return new
            {
                text = text(sub),
                direction = stated < 0.3 ? sub.DirectionCode : null,
                subDirection = stated < 0.1 ? sub.Code : null,
                budgetYuan = random.NextDouble() < 0.7 ? (long?)(random.Next(2, 200) * 10_000L) : null,
                withinDays = random.NextDouble() < 0.5 ? (int?)random.Next(15, 365) : null,
            };
        }).ToArray();
        return new { title = $"基准测试需求清单 {n}", items };
    }
}
