using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Marketplace.Core.Bulk;
using Marketplace.Core.Organizations;

namespace Marketplace.Bench.Bulk;

/// <summary>
/// <c>import --url URL --operator-key KEY [--rows 10000] [--bad 50] [--format xlsx|csv] [--pid PID] [--seed 1]</c>: the
/// offering import of issue 13 through the running API. Registers an integrator, uploads a generated file with
/// <c>--bad</c> invalid rows spread at random, waits for the dry run, checks it reports exactly those rows, then commits
/// the valid ones (<c>skipInvalid=true</c>) and checks the drafts created. Prints wall-clock times of both jobs and, with
/// <c>--pid</c> (the API's process), its resident memory sampled every 100 ms. Exit code 1 when a check fails.
/// </summary>
public static class ImportCommand
{
    public static async Task<int> RunAsync(Args args)
    {
        var url = args.Optional("url") ?? "http://127.0.0.1:5213";
        var rows = args.Int("rows", 10_000);
        var badCount = args.Int("bad", 50);
        var format = args.Optional("format") == "csv" ? TableFormat.Csv : TableFormat.Xlsx;
        var pid = args.Optional("pid") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : (int?)null;
        var random = new Random(args.Int("seed", 1));
        var bad = Enumerable.Range(0, rows).OrderBy(_ => random.Next()).Take(badCount).ToHashSet();

        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
        var integratorKey = await RegisterIntegratorAsync(client, args.Required("operator-key"));
        client.DefaultRequestHeaders.Add("X-Api-Key", integratorKey);

        var file = new MemoryStream();
        if (format == TableFormat.Xlsx)
        {
            ImportFileGenerator.WriteXlsx(file, ImportFileGenerator.Rows(rows, bad));
        }
        else
        {
            ImportFileGenerator.WriteCsv(file, ImportFileGenerator.Rows(rows, bad));
        }
        Console.WriteLine($"import: {rows} rows, {bad.Count} bad, {format.Code()} of {file.Length / 1024.0 / 1024.0:F1} MiB");

        using var memory = new RssSampler(pid);
        var clock = Stopwatch.StartNew();
        var content = new ByteArrayContent(file.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(format == TableFormat.Xlsx ? TableFormats.XlsxContentType : TableFormats.CsvContentType);
        using var upload = await client.PostAsync($"/api/v1/offering-imports?fileName=bench.{format.Code()}", content);
        var uploaded = clock.Elapsed;
        if (!upload.IsSuccessStatusCode)
        {
            Console.WriteLine($"upload answered {(int)upload.StatusCode}: {await upload.Content.ReadAsStringAsync()}");
            return 1;
        }
        var dryRun = await WaitAsync(client, upload.Headers.Location!.ToString());
        var dryRunTime = clock.Elapsed;
        var result = dryRun.GetProperty("result");
        var invalid = result.GetProperty("invalidRows").GetInt64();
        var reported = new HashSet<long>();
        for (var page = 1; ; page++)
        {
            var errors = JsonDocument.Parse(await client.GetStringAsync($"{dryRun.GetProperty("errorsUrl").GetString()}?page={page}&pageSize=500")).RootElement;
            var items = errors.GetProperty("items");
            foreach (var item in items.EnumerateArray())
            {
                reported.Add(item.GetProperty("rowNumber").GetInt64());
            }
            if (items.GetArrayLength() < 500)
            {
                break;
            }
        }
        var expected = bad.Select(i => (long)i + 2).ToHashSet();
        var exact = invalid == bad.Count && reported.SetEquals(expected);
        Console.WriteLine($"  upload {uploaded.TotalSeconds:F2} s, dry run done at {dryRunTime.TotalSeconds:F2} s: {result.GetProperty("rows").GetInt64()} rows, " +
            $"{invalid} invalid, errors on {reported.Count} rows — {(exact ? "exactly the bad rows" : "NOT the bad rows")}");

        var commitStart = clock.Elapsed;
        using var commit = await client.PostAsync($"/api/v1/offering-imports/{dryRun.GetProperty("id").GetString()}/commit?skipInvalid=true", null);
        if (!commit.IsSuccessStatusCode)
        {
            Console.WriteLine($"commit answered {(int)commit.StatusCode}: {await commit.Content.ReadAsStringAsync()}");
            return 1;
        }
        var imported = await WaitAsync(client, commit.Headers.Location!.ToString());
        var total = clock.Elapsed;
        var created = imported.GetProperty("result").ValueKind == JsonValueKind.Object ? imported.GetProperty("result").GetProperty("created").GetInt64() : 0;
        var drafts = JsonDocument.Parse(await client.GetStringAsync("/api/v1/offerings?owner=me&pageSize=1")).RootElement.GetProperty("total").GetInt64();
        Console.WriteLine($"  import of the valid rows: {(total - commitStart).TotalSeconds:F2} s ({imported.GetProperty("job").GetProperty("status").GetString()}), " +
            $"{created} drafts created, {drafts} drafts listed");
        Console.WriteLine($"  total (upload, dry run, import): {total.TotalSeconds:F2} s");
        memory.Report();
        return exact && created == rows - bad.Count && drafts == created ? 0 : 1;
    }

    private static async Task<string> RegisterIntegratorAsync(HttpClient client, string operatorKey)
    {
        var code = CreditCode.Complete($"91500112{Random.Shared.Next(0, 99_999_999):D8}B");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/organizations")
        {
            Content = JsonContent(new { kind = "integrator", name = "导入基准测试服务商", creditCode = code, district = "两江新区" }),
        };
        request.Headers.Add("X-Api-Key", operatorKey);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(body).RootElement.GetProperty("apiKey").GetString()!;
    }

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonElement> WaitAsync(HttpClient client, string location)
    {
        while (true)
        {
            var json = JsonDocument.Parse(await client.GetStringAsync(location)).RootElement;
            if (json.GetProperty("job").GetProperty("status").GetString() is "succeeded" or "failed")
            {
                return json;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Samples a process's VmRSS every 100 ms (Linux).</summary>
    private sealed class RssSampler : IDisposable
    {
        private readonly List<(double Seconds, long Kib)> _samples = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task? _loop;

        public RssSampler(int? pid)
        {
            if (pid is null)
            {
                return;
            }
            var clock = Stopwatch.StartNew();
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                    if (line is not null)
                    {
                        lock (_samples)
                        {
                            _samples.Add((clock.Elapsed.TotalSeconds, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)));
                        }
                    }
                    await Task.Delay(100);
                }
            });
        }

        public void Report()
        {
            _stop.Cancel();
            _loop?.Wait();
            if (_samples.Count == 0)
            {
                return;
            }
            Console.WriteLine($"  API resident memory: start {_samples[0].Kib / 1024.0:F0} MiB, peak {_samples.Max(s => s.Kib) / 1024.0:F0} MiB, " +
                $"end {_samples[^1].Kib / 1024.0:F0} MiB ({_samples.Count} samples)");
        }

        public void Dispose() => _stop.Cancel();
    }
}
