using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Tests.Api;

public class HostingTests
{
    [Test]
    public async Task Data_survives_a_restart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        Guid id;
        string key;
        using (var first = new MarketplaceApp(directory))
        {
            var integrator = await first.CreateOrganizationAsync("integrator");
            key = integrator.ApiKey;
            id = await first.PublishOfferingAsync(integrator, MarketplaceApp.OfferingBody(title: "重启后仍在"));
        }
        using (var second = new MarketplaceApp(directory))
        {
            var offering = await second.Client().GetFromJsonAsync<JsonObject>($"/api/v1/offerings/{id}");
            Assert.That(offering!["title"]!.GetValue<string>(), Is.EqualTo("重启后仍在"));
            Assert.That((await second.Client(key).GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        MarketplaceApp.DeleteDirectory(directory);
    }

    [Test]
    public async Task Without_a_configured_operator_key_one_is_generated_and_written_to_the_data_folder()
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        var logs = new CapturedLogs();
        using (var app = new MarketplaceApp(directory, new Dictionary<string, string?> { ["Marketplace:Auth:OperatorKey"] = null }))
        using (var logged = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs))))
        {
            logged.CreateClient();
            var file = Path.Combine(directory, "operator-api-key.txt");
            Assert.That(File.Exists(file), Is.True);
            var generated = (await File.ReadAllTextAsync(file)).Trim();
            Assert.That(logs.Lines, Has.Some.Contains(generated[..12]).And.Contains(file), "the log says which key and where");
            Assert.That(logs.Lines, Has.None.Contains(generated), "never the key itself");
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            }
            var client = logged.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", generated);
            var me = await client.GetFromJsonAsync<JsonObject>("/api/v1/organizations/me");
            Assert.That(me!["kind"]!.GetValue<string>(), Is.EqualTo("operator"));
        }
        MarketplaceApp.DeleteDirectory(directory);
    }

    [TestCase("Marketplace:Auth:OperatorKey", "short")]
    [TestCase("Marketplace:RateLimit:WindowSeconds", "0")]
    [TestCase("Marketplace:RateLimit:AnonymousPermitLimit", "0")]
    [TestCase("Marketplace:MaxRequestBodyBytes", "10")]
    public void Invalid_settings_stop_the_start_up(string key, string value)
    {
        var error = MarketplaceApp.StartUpFailure(() => new MarketplaceApp(settings: new Dictionary<string, string?> { [key] = value }),
            app => app.Client(), app => { app.Dispose(); MarketplaceApp.DeleteDirectory(app.DataDirectory); });
        Assert.That(error, Is.InstanceOf<OptionsValidationException>().Or.InnerException.InstanceOf<OptionsValidationException>(), error.ToString());
        Assert.That(error.ToString(), Does.Contain(key.Split(':')[^1]), "the message names the setting");
    }

    [TestCase("Marketplace:Auth:OperatorKey", "short", "Marketplace:Auth:OperatorKey must be at least 24 characters")]
    [TestCase("Marketplace:RateLimit:WindowSeconds", "abc", "Failed to convert configuration value 'abc' at 'Marketplace:RateLimit:WindowSeconds'")]
    public async Task A_node_with_an_invalid_setting_exits_as_a_configuration_error_naming_it(string key, string value, string message)
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            using var api = Reliability.ApiProcess.Launch(directory, "bad-setting", new Dictionary<string, string?> { [key] = value });
            Assert.That(await api.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(78), "EX_CONFIG, not an abort");
            Assert.That(api.LogTail(5), Does.Contain("Marketplace did not start").And.Contain(message));
            Assert.That(api.LogTail(5), Does.Not.Contain("Unhandled exception"));
        }
        finally
        {
            MarketplaceApp.DeleteDirectory(directory);
        }
    }

    [Test]
    public async Task A_listening_address_in_use_stops_the_start_up_with_one_clear_error()
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;
        try
        {
            using var api = Reliability.ApiProcess.Launch(directory, "port-in-use", new Dictionary<string, string?> { ["urls"] = $"http://127.0.0.1:{port}" });
            Assert.That(await api.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(1), "an exit, not an abort (134)");
            var log = api.Log();
            Assert.That(api.LogTail(3), Does.Contain("Marketplace did not start").And.Contain("address already in use"));
            Assert.That(log, Does.Not.Contain("Unhandled exception"));
            Assert.That(log, Does.Not.Contain("BackgroundService failed"), "the workers' cancellation is not a fault");
        }
        finally
        {
            MarketplaceApp.DeleteDirectory(directory);
        }
    }

    [Test]
    public async Task A_damaged_database_file_stops_the_start_up_saying_so_and_what_to_do()
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        // A SQLite header over pages of noise: what a disk fault or a copy taken mid-write can leave.
        var noise = new byte[16_384];
        new Random(7).NextBytes(noise);
        "SQLite format 3\0"u8.CopyTo(noise);
        File.WriteAllBytes(Path.Combine(directory, "marketplace.db"), noise);
        try
        {
            using var api = Reliability.ApiProcess.Launch(directory, "damaged-db", new Dictionary<string, string?>());
            Assert.That(await api.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(1), "an exit, not an abort (134)");
            Assert.That(api.LogTail(3), Does.Contain("Marketplace did not start").And.Contain("The database file is damaged").And.Contain("restore it from a backup"));
            Assert.That(api.Log(), Does.Not.Contain("raced with another node"), "a damaged file is no race");
        }
        finally
        {
            MarketplaceApp.DeleteDirectory(directory);
        }
    }

    [Test]
    public async Task A_data_folder_that_cannot_be_created_stops_the_start_up_with_one_clear_error()
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var blocker = Path.Combine(directory, "a-file");
        File.WriteAllText(blocker, "not a folder");
        try
        {
            using var api = Reliability.ApiProcess.Launch(directory, "no-data-folder",
                new Dictionary<string, string?> { ["Marketplace:DataDirectory"] = Path.Combine(blocker, "data") });
            Assert.That(await api.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(1), "an exit, not an abort (134)");
            Assert.That(api.LogTail(3), Does.Contain("Marketplace did not start"));
            Assert.That(api.Log(), Does.Not.Contain("Unhandled exception"));
            Assert.That(File.ReadAllText(blocker), Is.EqualTo("not a folder"));
        }
        finally
        {
            MarketplaceApp.DeleteDirectory(directory);
        }
    }

    [Test]
    public async Task Answers_vary_by_key_and_a_keyed_answer_is_private_to_shared_caches()
    {
        using var app = new MarketplaceApp();
        try
        {
            var integrator = await app.CreateOrganizationAsync("integrator");
            var id = await app.PublishOfferingAsync(integrator);

            var owner = await integrator.Client.GetAsync($"/api/v1/offerings/{id}");
            var anonymous = await app.Client().GetAsync($"/api/v1/offerings/{id}");
            var taxonomy = await integrator.Client.GetAsync("/api/v1/taxonomy");
            var problem = await integrator.Client.GetAsync($"/api/v1/offerings/{Guid.NewGuid()}");

            Assert.Multiple(() =>
            {
                Assert.That(owner.Headers.Vary, Does.Contain("X-Api-Key"));
                Assert.That(owner.Headers.CacheControl?.Private, Is.True, "the owner's answer may hold its draft");
                Assert.That(anonymous.Headers.Vary, Does.Contain("X-Api-Key"));
                Assert.That(anonymous.Headers.CacheControl, Is.Null);
                Assert.That(taxonomy.Headers.CacheControl?.Public, Is.True, "the same for every caller");
                Assert.That(problem.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
                Assert.That(problem.Headers.CacheControl?.Private, Is.True);
            });
        }
        finally
        {
            MarketplaceApp.DeleteDirectory(app.DataDirectory);
        }
    }

    [Test]
    public async Task Health_endpoints_answer()
    {
        using var app = new MarketplaceApp();
        Assert.That((await app.Client().GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // Ready once storage answers and the search index has warmed up (a moment on an empty index).
        var ready = await app.Client().GetAsync("/health/ready");
        for (var attempt = 0; attempt < 300 && ready.StatusCode != HttpStatusCode.OK; attempt++)
        {
            Assert.That(await ready.Content.ReadAsStringAsync(), Is.EqualTo("Unhealthy"), "not ready only while warming up");
            await Task.Delay(100);
            ready = await app.Client().GetAsync("/health/ready");
        }
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var report = await MarketplaceApp.ReadJsonAsync(ready);
        Assert.That(report["status"]!.GetValue<string>(), Is.EqualTo("Healthy"));
        Assert.That(report["entries"]!["storage"]!["status"]!.GetValue<string>(), Is.EqualTo("Healthy"));
        Assert.That(report["entries"]!["search"]!["status"]!.GetValue<string>(), Is.EqualTo("Healthy"), "search is its own entry");
        Assert.That(report["entries"]!["search"]!["data"]!["provider"]!.GetValue<string>(), Is.EqualTo("lucene"));
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task Json_answers_are_compressed_for_clients_that_ask()
    {
        using var app = new MarketplaceApp();
        var client = app.Client();
        var plain = await client.GetAsync("/api/v1/taxonomy");
        var plainBytes = await plain.Content.ReadAsByteArrayAsync();

        foreach (var (encoding, decompress) in new (string, Func<Stream, Stream>)[]
                 {
                     ("gzip", s => new GZipStream(s, CompressionMode.Decompress)),
                     ("br", s => new BrotliStream(s, CompressionMode.Decompress)),
                 })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/taxonomy");
            request.Headers.AcceptEncoding.ParseAdd(encoding);
            var compressed = await client.SendAsync(request);
            var body = await compressed.Content.ReadAsByteArrayAsync();
            using var inflated = new MemoryStream();
            await using (var stream = decompress(new MemoryStream(body)))
            {
                await stream.CopyToAsync(inflated);
            }
            Assert.That(compressed.Content.Headers.ContentEncoding, Is.EqualTo(new[] { encoding }));
            Assert.That(body.Length, Is.LessThan(plainBytes.Length * 2 / 3), encoding);
            Assert.That(inflated.ToArray(), Is.EqualTo(plainBytes), encoding);
        }
        Assert.That(plain.Content.Headers.ContentEncoding, Is.Empty, "no compression unless asked");

        var problem = new HttpRequestMessage(HttpMethod.Get, "/api/v1/offerings/search?pageSize=abc");
        problem.Headers.AcceptEncoding.ParseAdd("gzip");
        var failed = await client.SendAsync(problem);
        Assert.That((int)failed.StatusCode, Is.EqualTo(400));
        Assert.That(failed.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }), "problem details too");
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task Correlation_id_is_echoed_or_generated()
    {
        using var app = new MarketplaceApp();
        var client = app.Client();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/taxonomy");
        request.Headers.Add("X-Correlation-Id", "abc-123");

        var echoed = await client.SendAsync(request);
        var generated = await client.GetAsync("/api/v1/taxonomy");

        Assert.That(echoed.Headers.GetValues("X-Correlation-Id").Single(), Is.EqualTo("abc-123"));
        Assert.That(generated.Headers.GetValues("X-Correlation-Id").Single(), Is.Not.Empty);

        // A problem written by the exception handler (which clears the response's headers first) carries it too.
        foreach (var path in new[] { "/api/v1/offerings/search?pageSize=abc", $"/api/v1/offerings/{Guid.NewGuid()}" })
        {
            var failing = new HttpRequestMessage(HttpMethod.Get, path);
            failing.Headers.Add("X-Correlation-Id", "failed-1");
            var problem = await client.SendAsync(failing);
            Assert.That((int)problem.StatusCode, Is.InRange(400, 499), path);
            Assert.That(problem.Headers.GetValues("X-Correlation-Id").Single(), Is.EqualTo("failed-1"), path);
        }
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task Failed_requests_are_logged_with_their_final_status_and_correlation_id()
    {
        using var app = new MarketplaceApp();
        var logs = new CapturedLogs();
        using var logged = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var client = logged.CreateClient();
        var invalid = new HttpRequestMessage(HttpMethod.Get, "/api/v1/offerings/search?direction=nope");
        invalid.Headers.Add("X-Correlation-Id", "bad-filter-1");

        Assert.That((await client.SendAsync(invalid)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await client.GetAsync("/api/v1/taxonomy")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The line is written when the response completes (after the exception handler set the status).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!logs.Lines.Any(l => l.Contains("bad-filter-1")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        var access = logs.Lines.Where(l => l.StartsWith("Information Marketplace.Api.Http.CorrelationIdMiddleware", StringComparison.Ordinal)).ToList();
        Assert.That(access, Has.Some.Contains("/api/v1/offerings/search responded 400").And.Contains("bad-filter-1"));
        Assert.That(access, Has.None.Contains("/api/v1/taxonomy"), "successful fast requests are logged at Debug only");
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    /// <summary>Every log line written through the app's logging, as "level category message".</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category} {formatter(state, exception)}");
        }
    }

    [Test]
    public async Task Anonymous_reads_are_rate_limited_but_keyed_clients_are_not()
    {
        using var app = new MarketplaceApp(settings: new Dictionary<string, string?>
        {
            ["Marketplace:RateLimit:AnonymousPermitLimit"] = "3",
            ["Marketplace:RateLimit:WindowSeconds"] = "60",
        });
        var anonymous = app.Client();
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await anonymous.GetAsync("/api/v1/taxonomy")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var limited = await anonymous.GetAsync("/api/v1/taxonomy");

        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.That((await app.Operator().GetAsync("/api/v1/taxonomy")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task Taxonomy_is_public_and_complete()
    {
        using var app = new MarketplaceApp();
        var taxonomy = await app.Client().GetFromJsonAsync<JsonObject>("/api/v1/taxonomy");

        var directions = taxonomy!["directions"]!.AsArray();
        Assert.That(directions.Select(d => d!["code"]!.GetValue<string>()), Is.EqualTo(new[]
            { "machinery", "electronics", "metallurgy", "building-materials", "chemicals", "food", "light-textile", "general" }));
        Assert.That(directions.Select(d => d!["name"]!.GetValue<string>()), Is.EqualTo(new[]
            { "机械制造", "电子制造", "冶金", "建材", "化工", "食品", "轻纺", "通用领域" }));
        var welding = directions[0]!["subDirections"]!.AsArray().Single(s => s!["code"]!.GetValue<string>() == "machinery.welding");
        Assert.That(welding!["aliases"]!.AsArray().Select(a => a!.GetValue<string>()), Does.Contain("弧焊机器人"));
        var districts = taxonomy["districts"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()).ToArray();
        Assert.That(districts, Has.Length.EqualTo(41));
        Assert.That(districts, Does.Contain("两江新区").And.Contain("西部科学城重庆高新区").And.Contain("万盛经开区").And.Contain("彭水苗族土家族自治县"));
        Assert.That(taxonomy["wholeCity"]!.GetValue<string>(), Is.EqualTo("全市"));
        Assert.That(taxonomy["offeringTypes"]!.AsArray().Select(t => t!["code"]!.GetValue<string>()), Is.EqualTo(new[] { "solution", "component", "tool" }));
        Assert.That(taxonomy["deploymentModes"]!.AsArray().Select(t => t!["code"]!.GetValue<string>()), Is.EqualTo(new[] { "saas", "on-premise", "hybrid", "hardware" }));
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }
}
