using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Marketplace.Bench.Generation;

namespace Marketplace.Bench.Matching;

/// <summary>
/// <c>adminrebuild --url URL --data DIR [--done-file FILE]</c>: the operator's full rebuild through the API
/// (<c>POST /api/v1/admin/search/rebuild</c>, then <c>GET /api/v1/admin/jobs/{id}</c> every 100 ms until it ends), timed end
/// to end. <c>--done-file</c> is created the moment the job is seen finished (the new generation is live), so that a
/// benchmark can measure the searches right after the swap. Skipped, with a note, when the endpoint is not in the running build.
/// </summary>
public static class AdminRebuildCommand
{
    private static readonly string[] Finished = ["succeeded", "completed", "complete", "done", "failed", "cancelled", "canceled"];

    public static async Task<int> RunAsync(Args args)
    {
        var url = args.Optional("url") ?? "http://127.0.0.1:5080";
        var keys = BenchKeys.Load(Path.GetFullPath(args.Required("data")));
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Api-Key", keys.Operator);

        var clock = Stopwatch.StartNew();
        using var started = await client.PostAsync("/api/v1/admin/search/rebuild", null);
        if (started.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            Console.WriteLine($"admin rebuild: POST /api/v1/admin/search/rebuild answered {(int)started.StatusCode}: skipped (not in this build)");
            return 0;
        }
        var body = await started.Content.ReadAsStringAsync();
        if (!started.IsSuccessStatusCode)
        {
            Console.WriteLine($"admin rebuild: POST answered {(int)started.StatusCode}: {body}");
            return 1;
        }
        var job = JsonDocument.Parse(body).RootElement;
        var location = started.Headers.Location?.ToString()
            ?? (job.TryGetProperty("id", out var id) ? $"/api/v1/admin/jobs/{id.GetString()}" : throw new InvalidDataException($"no job id in {body}"));
        string? lastStatus = null;
        while (clock.Elapsed < TimeSpan.FromMinutes(30))
        {
            var text = await client.GetStringAsync(location);
            job = JsonDocument.Parse(text).RootElement;
            var status = job.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";
            if (status != lastStatus)
            {
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F1} s  {status}");
                lastStatus = status;
            }
            if (Finished.Contains(status.ToLowerInvariant()))
            {
                if (args.Optional("done-file") is { } done)
                {
                    await File.WriteAllTextAsync(done, status);
                }
                Console.WriteLine($"  job: {text}");
                break;
            }
            await Task.Delay(100);
        }
        Console.WriteLine($"admin rebuild: {lastStatus} after {clock.Elapsed.TotalSeconds:F1} s (POST to job end, polled every 100 ms)");
        return lastStatus is not null && lastStatus.Equals("failed", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
    }
}
