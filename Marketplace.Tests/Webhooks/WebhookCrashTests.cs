using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using static Marketplace.Tests.Webhooks.WebhookReceiver;

namespace Marketplace.Tests.Webhooks;

/// <summary>
/// Nothing acknowledged is lost: the real API process (dotnet Marketplace.Api.dll) is killed with SIGKILL while it is
/// delivering; after a restart on the same data every event reaches the receiver, with the id it had before.
/// </summary>
public class WebhookCrashTests
{
    private sealed class ApiProcess : IDisposable
    {
        private readonly Process _process;

        private ApiProcess(Process process, string baseUrl)
        {
            _process = process;
            Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        }

        public HttpClient Client { get; }

        public static ApiProcess Start(string dataDirectory, string log)
        {
            var port = FreePort();
            var api = Path.Combine(AppContext.BaseDirectory, "Marketplace.Api.dll");
            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                api, "--urls", $"http://127.0.0.1:{port}", "--environment", "Testing",
                $"--Marketplace:DataDirectory={dataDirectory}",
                $"--Marketplace:Auth:OperatorKey={MarketplaceApp.OperatorKey}",
                "--Marketplace:Webhooks:AllowHttp=true",
                "--Marketplace:Webhooks:AllowPrivateNetworks=true",
                "--Marketplace:Webhooks:PollInterval=00:00:00.050",
                "--Marketplace:Webhooks:AttemptTimeout=00:01:00",
                "--Marketplace:Leases:Duration=00:00:05",
                "--Marketplace:Search:HttpWarmUpSeconds=1",
                "--Logging:LogLevel:Default=Warning",
            })
            {
                info.ArgumentList.Add(arg);
            }
            var process = Process.Start(info)!;
            var writer = new StreamWriter(log, append: true) { AutoFlush = true };
            process.OutputDataReceived += (_, e) => { lock (writer) { if (e.Data is not null) { writer.WriteLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { lock (writer) { if (e.Data is not null) { writer.WriteLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new ApiProcess(process, $"http://127.0.0.1:{port}");
        }

        public async Task WaitReadyAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                Assert.That(_process.HasExited, Is.False, "the API process exited at start-up");
                try
                {
                    if ((await Client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the API did not become ready");
                await Task.Delay(100);
            }
        }

        /// <summary>SIGKILL: no shutdown, no lease released, no delivery settled.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }
            _process.Dispose();
            Client.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    private static async Task<HttpResponseMessage> Post(HttpClient client, string key, string url, object? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", key);
        var response = await client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.InRange(200, 299), await response.Content.ReadAsStringAsync());
        return response;
    }

    [Test]
    public async Task Killing_the_api_during_delivery_loses_no_event_and_keeps_its_idempotency_id()
    {
        const int events = 4;
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var log = Path.Combine(directory, "api.log");
        await using var receiver = await WebhookReceiver.StartAsync();
        var holding = true;
        receiver.Behaviour = (_, _) => holding ? (200, TimeSpan.FromSeconds(50)) : (200, TimeSpan.Zero);

        var clock = Stopwatch.StartNew();
        using (var first = ApiProcess.Start(directory, log))
        {
            await first.WaitReadyAsync();
            TestContext.Out.WriteLine($"first process ready after {clock.Elapsed}");
            var created = await (await Post(first.Client, MarketplaceApp.OperatorKey, "/api/v1/organizations", new
            {
                kind = "integrator", name = "重庆崩溃恢复测试集成商", creditCode = MarketplaceApp.NewCreditCode(), district = "渝北区",
            })).Content.ReadFromJsonAsync<JsonObject>();
            var key = created!["apiKey"]!.GetValue<string>();
            await Post(first.Client, key, "/api/v1/webhooks", new { url = receiver.Url("/crash"), eventTypes = new[] { "review.decided" } });
            for (var n = 0; n < events; n++)
            {
                var offering = await (await Post(first.Client, key, "/api/v1/offerings", MarketplaceApp.OfferingBody(title: $"崩溃恢复测试方案{n}")))
                    .Content.ReadFromJsonAsync<JsonObject>();
                var id = offering!["id"]!.GetValue<string>();
                await Post(first.Client, key, $"/api/v1/offerings/{id}/submit", null);
                await Post(first.Client, MarketplaceApp.OperatorKey, $"/api/v1/offerings/{id}/approve", null);
            }
            await EventuallyAsync(() => !receiver.Requests.IsEmpty, TimeSpan.FromSeconds(30), "a delivery is in flight");
            first.Kill();
            TestContext.Out.WriteLine($"killed during a delivery after {clock.Elapsed}");
        }
        var inFlight = receiver.Requests.Select(r => r.EventId).ToHashSet();
        Assert.That(inFlight, Is.Not.Empty);
        holding = false;

        using (var second = ApiProcess.Start(directory, log))
        {
            await second.WaitReadyAsync();
            TestContext.Out.WriteLine($"second process ready after {clock.Elapsed}");
            await EventuallyAsync(() => receiver.Requests.Where(r => r.At > DateTimeOffset.UtcNow.AddMinutes(-5)).Select(r => r.EventId).Distinct().Count() >= events
                && inFlight.All(id => receiver.Requests.Count(r => r.EventId == id) >= 2), TimeSpan.FromSeconds(40),
                $"every event is delivered after the restart (log: {log})");
        }

        TestContext.Out.WriteLine($"all delivered after {clock.Elapsed}");
        var byEvent = receiver.Requests.GroupBy(r => r.EventId).ToArray();
        Assert.That(byEvent, Has.Length.EqualTo(events), "each event keeps its id: no new ids were made up for the retries");
        Assert.That(byEvent.Where(g => inFlight.Contains(g.Key)).Select(g => g.Count()), Is.All.GreaterThanOrEqualTo(2),
            "the delivery in flight when the process died was sent again with the same idempotency id");
        MarketplaceApp.DeleteDirectory(directory);
    }
}
