using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Indexing;
using Marketplace.Search.Lucene;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Before the node reports ready, sends searches of every shape through its own HTTP pipeline over loopback for
/// <see cref="SearchOptions.HttpWarmUpSeconds"/>. Measured at 100,000 offerings on 2 cores: a node put under full load
/// the moment it is ready served 190–400 searches/s at p99 0.5–1 s for 15–20 s, with every index postings list already
/// decoded — the runtime was still compiling the hot code at its first tier while the load starved the background
/// compiler. Warming with the node's own traffic moves that time before readiness, where a load balancer sends nothing.
/// The requests carry a random per-process token that exempts them from the rate limit (<see cref="IsWarmUpRequest"/>);
/// it never leaves the process. Without an HTTP listener (the test host) it does nothing.
/// </summary>
public sealed class HttpWarmUp(
    IServer server,
    IHostApplicationLifetime lifetime,
    IOfferingIndex index,
    SearchIndexStatus status,
    TaxonomyCatalog taxonomy,
    IOptions<SearchOptions> options,
    ILogger<HttpWarmUp> logger) : BackgroundService
{
    public const string TokenHeader = "X-Marketplace-Warm-Up";

    private static readonly byte[] Token = RandomNumberGenerator.GetBytes(32);
    private static readonly string TokenText = Convert.ToHexString(Token);

    /// <summary>When the first this many searches were all answered other than 200, the warm-up ends early.</summary>
    private const int NotAnsweringAfter = 50;

    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the warm-up is over (at once when it is off or there is nothing to warm).</summary>
    public Task Completed => _completed.Task;

    /// <summary>Whether the request is this process's own warm-up traffic.</summary>
    public static bool IsWarmUpRequest(HttpContext context) =>
        context.Request.Headers.TryGetValue(TokenHeader, out var value) && value.Count == 1 && value[0] is { Length: 64 } text &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(text), Encoding.ASCII.GetBytes(TokenText));

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        try
        {
            var seconds = options.Value.HttpWarmUpSeconds;
            if (seconds <= 0)
            {
                return;
            }
            // Read before the host has started: SearchIndexStartup (registered earlier) has set it by then, and a quick
            // repair cannot race the decision.
            if (status.Availability == SearchAvailability.Unavailable)
            {
                // Searches answer 503 until the repair is swapped in: nothing to warm, and readiness must not wait for the
                // rebuild (the node publishes and reads meanwhile; /health/ready shows search as degraded).
                logger.LogWarning("HTTP warm-up skipped: the search index is being rebuilt; the first searches after it is swapped in will be slower");
                return;
            }
            if (!await StartedAsync(ct))
            {
                return;
            }
            if (index is LuceneOfferingIndex lucene)
            {
                await lucene.WarmedUp.WaitAsync(ct);
            }
            if (LoopbackAddress() is not { } address)
            {
                return;
            }
            var paths = SearchPaths();
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            var clock = Stopwatch.StartNew();
            var sent = 0;
            var failed = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, Environment.ProcessorCount * 8), ct, async (worker, token) =>
            {
                for (var i = worker * 7919; clock.Elapsed.TotalSeconds < seconds; i++)
                {
                    if (sent >= NotAnsweringAfter && failed == sent)
                    {
                        return; // the engine is not answering (a remote one that is down): warming would only delay readiness
                    }
                    using var request = new HttpRequestMessage(HttpMethod.Get, paths[i % paths.Count]);
                    request.Headers.Add(TokenHeader, TokenText);
                    using var response = await http.SendAsync(request, token);
                    await response.Content.CopyToAsync(Stream.Null, token);
                    Interlocked.Increment(ref sent);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            });
            logger.LogInformation("HTTP warm-up: {Requests} searches in {Seconds:F1} s ({Failed} not answered 200) before reporting ready",
                sent, clock.Elapsed.TotalSeconds, failed);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "HTTP warm-up stopped early; the first searches will be slower");
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        finally
        {
            _completed.TrySetResult();
        }
    }

    private async Task<bool> StartedAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await using var onStopping = ct.Register(() => started.TrySetCanceled(ct));
        await started.Task;
        return true;
    }

    /// <summary>The first http address the server listens on, with a wildcard host replaced by loopback.</summary>
    private Uri? LoopbackAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (!Uri.TryCreate(address.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri) ||
                uri.Scheme != Uri.UriSchemeHttp)
            {
                continue;
            }
            var host = uri.Host is "0.0.0.0" or "localhost" ? "127.0.0.1" : uri.Host is "[::]" or "::" ? "[::1]" : uri.Host;
            return new UriBuilder(uri) { Host = host }.Uri;
        }
        return null;
    }

    /// <summary>Searches as people send them: item names, aliases, problem phrases and sentences made of them; filtered, sorted, paged.</summary>
    private List<string> SearchPaths()
    {
        var items = taxonomy.SubDirections.ToList();
        var directions = taxonomy.Directions.Select(d => d.Code).ToList();
        var districts = taxonomy.Districts.Select(d => d.Name).ToList();
        var paths = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var other = items[(i * 37 + 11) % items.Count];
            string[] texts =
            [
                item.Name,
                item.Aliases.FirstOrDefault() ?? item.Name,
                string.Join("，", item.Problems.Take(3).Append("想找个便宜点的办法").Concat(other.Problems.Take(1))),
                $"我们是做{other.Name}的小厂，{item.Problems.FirstOrDefault() ?? item.Name}，希望上{item.Name}",
            ];
            foreach (var (text, k) in texts.Select((t, k) => (t, k)))
            {
                var q = "q=" + Uri.EscapeDataString(text);
                paths.Add(((i + k) % 4) switch
                {
                    0 => $"/api/v1/offerings/search?{q}",
                    1 => $"/api/v1/offerings/search?{q}&direction={directions[i % directions.Count]}&district={Uri.EscapeDataString(districts[i % districts.Count])}&maxPriceYuan=500000",
                    2 => $"/api/v1/offerings/search?{q}&sort=newest&page=2",
                    _ => $"/api/v1/offerings/search?{q}&pageSize=50",
                });
            }
        }
        paths.Add("/api/v1/offerings/search");
        paths.Add($"/api/v1/offerings/search?direction={directions[0]}&sort=price");
        return paths;
    }
}
