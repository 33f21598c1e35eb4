using System.Net;
using System.Text.RegularExpressions;
using Marketplace.Api.Hosting;
using Marketplace.Tests.Api;

namespace Marketplace.Tests.Reliability;

/// <summary>
/// A real API process warms its own search pipeline over HTTP before it reports ready (issue 10, cold start), outside the
/// rate limit: the warm-up neither uses up the anonymous budget of the loopback address nor opens a way around it.
/// </summary>
public class HttpWarmUpTests
{
    [Test]
    public async Task A_node_reports_ready_after_searching_through_its_own_pipeline_without_using_the_anonymous_limit()
    {
        var data = Path.Combine(Path.GetTempPath(), "marketplace-tests", "warm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            using var node = await ApiProcess.StartAsync(data, "warm", new Dictionary<string, string?>
            {
                ["Marketplace:Search:HttpWarmUpSeconds"] = "2",
                ["Marketplace:RateLimit:AnonymousPermitLimit"] = "5",
                ["Marketplace:RateLimit:WindowSeconds"] = "3600",
            });

            var line = await WarmUpLogLineAsync(node);
            var searches = int.Parse(Regex.Match(line, @"HTTP warm-up: (\d+) searches").Groups[1].Value);
            Assert.That(searches, Is.GreaterThan(5), line);
            Assert.That(line, Does.Contain("(0 not answered 200)"));
            Assert.That(node.Log(), Does.Not.Contain("Microsoft.AspNetCore.Hosting.Diagnostics"),
                "started in its data folder, the node still reads the appsettings.json beside its binaries (no log line per request)");

            using var anonymous = node.Client();
            for (var i = 0; i < 5; i++)
            {
                Assert.That((await anonymous.GetAsync("/api/v1/offerings/search?q=MES")).StatusCode, Is.EqualTo(HttpStatusCode.OK),
                    "the loopback address still has its whole anonymous budget");
            }
            using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/v1/offerings/search?q=MES");
            forged.Headers.Add(HttpWarmUp.TokenHeader, new string('0', 64));
            Assert.That((await anonymous.SendAsync(forged)).StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests),
                "a made-up warm-up token is no way around the limit");
        }
        finally
        {
            MarketplaceApp.DeleteDirectory(data);
        }
    }

    private static async Task<string> WarmUpLogLineAsync(ApiProcess node)
    {
        // The line is written before readiness; the log file receives the process's output asynchronously.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var line = node.Log().Split('\n').FirstOrDefault(l => l.Contains("HTTP warm-up:"));
            if (line is not null)
            {
                return line;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"no warm-up line in the log:\n{node.LogTail()}");
        return "";
    }
}
