using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Demands;
using Marketplace.Core.Organizations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Tests.Api;

/// <summary>The real API on the embedded default (SQLite file + Lucene index) in a temporary data folder.</summary>
public sealed class MarketplaceApp : WebApplicationFactory<Program>
{
    public const string OperatorKey = "test-operator-key-0123456789abcdef";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Replaces services after the app registered its own (e.g. a <see cref="MovableClock"/>).</param>
    public MarketplaceApp(string? dataDirectory = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        Running[DataDirectory] = this;
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Marketplace:DataDirectory"] = DataDirectory,
        };
        _settings.TryAdd("Marketplace:Auth:OperatorKey", OperatorKey);
        _settings.TryAdd("Marketplace:RateLimit:AnonymousPermitLimit", "100000");
        _settings.TryAdd("Marketplace:RateLimit:AuthenticatedPermitLimit", "1000000");
    }

    public string DataDirectory { get; }

    public const string SqlServerVariable = "MARKETPLACE_TEST_SQLSERVER";

    /// <summary>The app on SQLite, or on the live SQL Server named by MARKETPLACE_TEST_SQLSERVER (ignored with the reason when unset).</summary>
    public static MarketplaceApp WithStorage(StorageKind storage) => new(settings: StorageSettings(storage));

    /// <summary>The settings that put the app on <paramref name="storage"/> (ignores the test with the reason when a live SQL Server is not named).</summary>
    public static Dictionary<string, string?> StorageSettings(StorageKind storage)
    {
        if (storage == StorageKind.Sqlite)
        {
            return [];
        }
        var connectionString = Environment.GetEnvironmentVariable(SqlServerVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Ignore($"{SqlServerVariable} is not set: storage tests against a live SQL Server are skipped.");
        }
        return new Dictionary<string, string?>
        {
            ["Marketplace:Storage:Provider"] = "SqlServer",
            ["ConnectionStrings:Marketplace"] = connectionString,
        };
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
        return client;
    }

    public HttpClient Operator() => Client(OperatorKey);

    /// <summary>
    /// The exception that stops an app's start-up. WebApplicationFactory's deferred host races an entry point that fails to
    /// start: now and then the entry point has already disposed its host when the test host asks it for services, and the
    /// test sees an ObjectDisposedException ('IServiceProvider') instead of the cause (twice in about ten full runs on 2
    /// cores; dotnet/aspnetcore#38335 describes the deferred host's threading). A fresh app is then started again.
    /// </summary>
    public static Exception StartUpFailure<TApp>(Func<TApp> create, Action<TApp> start, Action<TApp> cleanUp)
    {
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var app = create();
            try
            {
                start(app);
            }
            catch (ObjectDisposedException) when (attempt < attempts)
            {
                continue;
            }
            catch (Exception error)
            {
                return error;
            }
            finally
            {
                cleanUp(app);
            }
            throw new AssertionException("The app started.");
        }
    }

    /// <summary>A catalog-language pass now, as each node runs one every <c>CatalogRefreshInterval</c>.</summary>
    public Task CatalogLanguagePassAsync() =>
        Services.GetServices<IHostedService>().OfType<CatalogLanguageRefresh>().Single().RefreshAsync(CancellationToken.None);

    /// <summary>Waits until the outbox indexer has written every pending change (and told the index observers).</summary>
    public async Task WaitForIndexingAsync(TimeSpan? timeout = null)
    {
        var outbox = Services.GetRequiredService<Marketplace.Core.Searching.SearchOutbox>();
        var rematches = Services.GetRequiredService<Marketplace.Core.Matching.RematchQueue>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        // Indexed, and the open demand items the new offerings may enter re-matched.
        while (await outbox.PendingCountAsync(CancellationToken.None) > 0 || await rematches.PendingCountAsync(CancellationToken.None) > 0)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the search outbox or the re-match queue was not drained in time");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Another connection holding the write lock of this app's SQLite file (BEGIN IMMEDIATE) until disposed: the app's
    /// reads go on, its writes wait (up to the command timeout).
    /// </summary>
    public async Task<Microsoft.Data.Sqlite.SqliteConnection> HoldSqliteWriteLockAsync()
    {
        var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DataDirectory, "marketplace.db")};Pooling=False");
        await holder.OpenAsync();
        await using var begin = holder.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        await begin.ExecuteNonQueryAsync();
        return holder;
    }

    /// <summary>The data folders of apps not disposed yet (see <see cref="DeleteDirectory"/>).</summary>
    private static readonly ConcurrentDictionary<string, MarketplaceApp> Running = new(StringComparer.Ordinal);

    private int _deleteWhenDisposed;

    /// <summary>
    /// Deletes a test's data folder; a folder an app still runs on is deleted when that app is disposed (tests often delete
    /// before their <c>using</c> disposes the app, and the index's last commit then failed on the missing folder).
    /// </summary>
    public static void DeleteDirectory(string path)
    {
        if (Running.TryGetValue(path, out var app))
        {
            Interlocked.Exchange(ref app._deleteWhenDisposed, 1);
            if (Running.ContainsKey(path))
            {
                return;
            }
        }
        DeleteNow(path);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Stopped();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Stopped();
    }

    private void Stopped()
    {
        Running.TryRemove(KeyValuePair.Create(DataDirectory, this));
        if (Interlocked.Exchange(ref _deleteWhenDisposed, 0) == 1)
        {
            DeleteNow(DataDirectory);
        }
    }

    private static void DeleteNow(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held by a finalizing handle; the OS temp folder is cleaned eventually.
        }
    }

    private static int _creditSequence;

    /// <summary>A valid, unique 统一社会信用代码 for tests.</summary>
    public static string NewCreditCode()
    {
        var n = Interlocked.Increment(ref _creditSequence);
        var random = Random.Shared.Next(0, 99_999_999);
        return CreditCode.Complete($"91500106{random:D8}{n % 10}");
    }

    public record Org(Guid Id, string ApiKey, HttpClient Client);

    public async Task<Org> CreateOrganizationAsync(string kind, string? name = null, string district = "沙坪坝区", string? industry = null, string? scale = null, bool discloseName = false)
    {
        var response = await Operator().PostAsJsonAsync("/api/v1/organizations", OrganizationBody(kind, name, district, industry, scale, discloseName));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        var key = json!["apiKey"]!.GetValue<string>();
        return new Org(Guid.Parse(json["organization"]!["id"]!.GetValue<string>()), key, Client(key));
    }

    /// <summary>A valid registration of an organization of <paramref name="kind"/> (an enterprise with industry and scale).</summary>
    public static Dictionary<string, object?> OrganizationBody(string kind, string? name = null, string district = "沙坪坝区", string? industry = null,
        string? scale = null, bool discloseName = false)
    {
        var body = new Dictionary<string, object?>
        {
            ["kind"] = kind,
            ["name"] = name ?? $"测试{kind}{Guid.NewGuid():N}"[..20],
            ["creditCode"] = NewCreditCode(),
            ["district"] = district,
            ["discloseName"] = discloseName,
        };
        if (kind == "enterprise")
        {
            body["industry"] = industry ?? "摩托车零部件制造";
            body["scale"] = scale ?? "规下高成长";
        }
        return body;
    }

    public static Dictionary<string, object?> OfferingBody(
        string title = "弧焊机器人工作站",
        string direction = "machinery",
        string[]? subDirections = null,
        long priceMin = 200_000,
        long priceMax = 500_000,
        int days = 60,
        string[]? districts = null,
        string summary = "六轴弧焊机器人，适合中小批量车架焊接",
        string description = "以六轴弧焊机器人为核心，配变位机和焊缝跟踪，替代人工焊接，焊缝均匀，减少返工。",
        string[]? keywords = null,
        string type = "solution",
        string deployment = "hardware") => new()
        {
            ["type"] = type,
            ["title"] = title,
            ["summary"] = summary,
            ["description"] = description,
            ["directions"] = new[] { direction },
            ["subDirections"] = subDirections ?? (direction == "machinery" ? new[] { "machinery.welding" } : Array.Empty<string>()),
            ["keywords"] = keywords ?? new[] { "焊接机器人", "弧焊" },
            ["deployment"] = deployment,
            ["priceMinYuan"] = priceMin,
            ["priceMaxYuan"] = priceMax,
            ["implementationDays"] = days,
            ["districts"] = districts ?? new[] { "全市" },
            ["cases"] = new[] { new { customer = "某摩托车配件厂", district = "璧山区", year = 2024, outcome = "返工率下降一半" } },
        };

    public static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Creates, submits and approves an offering; returns its id.</summary>
    public async Task<Guid> PublishOfferingAsync(Org integrator, Dictionary<string, object?>? body = null)
    {
        var created = await integrator.Client.PostAsJsonAsync("/api/v1/offerings", body ?? OfferingBody());
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = Guid.Parse((await ReadJsonAsync(created))["id"]!.GetValue<string>());
        var submitted = await integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null);
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await submitted.Content.ReadAsStringAsync());
        var approved = await Operator().PostAsync($"/api/v1/offerings/{id}/approve", null);
        Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approved.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>The owner edits its offering as it reads it now (If-Match with its current ETag): a published one gets a draft revision.</summary>
    public static async Task<HttpResponseMessage> ReviseAsync(Org owner, Guid id, object body)
    {
        var current = await owner.Client.GetAsync($"/api/v1/offerings/{id}");
        return await owner.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/offerings/{id}", current.Headers.ETag!.ToString(), body));
    }

    public static HttpRequestMessage WithIfMatch(HttpMethod method, string url, string? etag, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(etag == "*" ? EntityTagHeaderValue.Any : EntityTagHeaderValue.Parse(etag));
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return request;
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}

/// <summary>The system clock moved forward by <see cref="Offset"/>: tests move time without waiting.</summary>
public sealed class MovableClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

public enum StorageKind
{
    Sqlite,
    SqlServer,
}

/// <summary>Asserts on RFC 9457 problem details.</summary>
public static class ProblemAssert
{
    public static async Task<JsonObject> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo((int)status));
        Assert.That(text, Does.Not.Contain("   at "), "no stack traces");
        if (field is not null)
        {
            Assert.That(problem["errors"]?.AsObject().ContainsKey(field), Is.True, $"expected an error for '{field}' in {text}");
        }
        return problem;
    }
}
