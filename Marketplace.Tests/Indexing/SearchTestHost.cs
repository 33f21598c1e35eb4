using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Searching;
using Marketplace.Search.Indexing;
using Marketplace.Search.Lucene;
using Marketplace.Tests.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Tests.Indexing;

/// <summary>Turns the search engine "off" for a <see cref="FaultInjectingIndex"/>.</summary>
public sealed class FaultSwitch
{
    public volatile bool Down;
    private int _failedWrites;

    public int FailedWrites => Volatile.Read(ref _failedWrites);

    public void CountFailure() => Interlocked.Increment(ref _failedWrites);
}

/// <summary>The real Lucene index behind a switch: while down, writes and searches fail like an unreachable engine (I/O errors).</summary>
public sealed class FaultInjectingIndex(IOfferingIndex inner, FaultSwitch faults) : IOfferingIndex
{
    public Task<IndexOpening> EnsureCreatedAsync(CancellationToken ct) => inner.EnsureCreatedAsync(ct);

    public Task<IReadOnlyDictionary<Guid, IndexedVersion>> ReadVersionsAsync(CancellationToken ct) => inner.ReadVersionsAsync(ct);

    public Task WriteAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct)
    {
        if (faults.Down)
        {
            faults.CountFailure();
            throw new IOException("injected fault: search engine unreachable");
        }
        return inner.WriteAsync(documents, ct);
    }

    public Task<OfferingSearchResult> SearchAsync(OfferingSearchRequest request, CancellationToken ct) =>
        faults.Down ? throw new IOException("injected fault: search engine unreachable") : inner.SearchAsync(request, ct);

    public Task<IIndexRebuild> BeginRebuildAsync(CancellationToken ct) => inner.BeginRebuildAsync(ct);

    public async Task<bool> IsHealthyAsync(CancellationToken ct) => !faults.Down && await inner.IsHealthyAsync(ct);
}

/// <summary>
/// <see cref="MarketplaceApp"/> with services swapped in for fault tests (the real SQLite store and Lucene index,
/// optionally behind <see cref="FaultInjectingIndex"/>), and the helpers the search tests share.
/// </summary>
public sealed class SearchTestHost : IDisposable
{
    /// <summary>Short retry and back-off delays so fault tests recover in well under a second once the engine is back.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastRecovery = new Dictionary<string, string?>
    {
        ["Marketplace:Search:Resilience:MaxRetryAttempts"] = "1",
        ["Marketplace:Search:Resilience:BaseDelay"] = "00:00:00.020",
        ["Marketplace:Search:Resilience:BreakDuration"] = "00:00:00.500",
        ["Marketplace:Search:Indexer:InitialBackoff"] = "00:00:00.050",
        ["Marketplace:Search:Indexer:MaxBackoff"] = "00:00:00.200",
    };

    private readonly MarketplaceApp _app;

    public SearchTestHost(string? dataDirectory = null, IDictionary<string, string?>? settings = null, bool injectFaults = false,
        Action<IServiceCollection>? services = null)
    {
        _app = new MarketplaceApp(dataDirectory, settings);
        Factory = _app.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            if (injectFaults)
            {
                InjectFaults(s, Faults);
            }
            services?.Invoke(s);
        }));
    }

    /// <summary>Puts the Lucene index behind <paramref name="faults"/>, under the availability gate as an engine's own failures are in production.</summary>
    public static void InjectFaults(IServiceCollection services, FaultSwitch faults)
    {
        services.AddSingleton(faults);
        services.AddSingleton<IOfferingIndex>(sp => new AvailabilityGatedIndex(
            new FaultInjectingIndex(sp.GetRequiredService<LuceneOfferingIndex>(), faults), sp.GetRequiredService<SearchIndexStatus>()));
    }

    public FaultSwitch Faults { get; } = new();

    public WebApplicationFactory<Program> Factory { get; }

    public string DataDirectory => _app.DataDirectory;

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    public HttpClient Client(string? apiKey = null)
    {
        var client = Factory.CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
        return client;
    }

    public HttpClient Operator() => Client(MarketplaceApp.OperatorKey);

    public Task<string> CreateIntegratorAsync(string? name = null) => CreateOrganizationAsync("integrator", name);

    /// <summary>A new organization of <paramref name="kind"/> in 渝北区; returns its API key.</summary>
    public async Task<string> CreateOrganizationAsync(string kind, string? name = null)
    {
        var response = await Operator().PostAsJsonAsync("/api/v1/organizations", MarketplaceApp.OrganizationBody(kind, name, "渝北区", discloseName: true));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await MarketplaceApp.ReadJsonAsync(response))["apiKey"]!.GetValue<string>();
    }

    /// <summary>Creates, submits and approves; the approval answers before the index is written.</summary>
    public async Task<Guid> PublishAsync(string integratorKey, Dictionary<string, object?> body)
    {
        var integrator = Client(integratorKey);
        var created = await integrator.PostAsJsonAsync("/api/v1/offerings", body);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = Guid.Parse((await MarketplaceApp.ReadJsonAsync(created))["id"]!.GetValue<string>());
        var submitted = await integrator.PostAsync($"/api/v1/offerings/{id}/submit", null);
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await submitted.Content.ReadAsStringAsync());
        var approved = await Operator().PostAsync($"/api/v1/offerings/{id}/approve", null);
        Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approved.Content.ReadAsStringAsync());
        return id;
    }

    public async Task<JsonObject> SearchAsync(string query) => await OkJsonAsync(await Client().GetAsync("/api/v1/offerings/search" + query));

    /// <summary>The search's answer, or null while the index answers 503 (being rebuilt, as on a new data folder seeded with offerings).</summary>
    public async Task<JsonObject?> SearchOnceIndexedAsync(string query)
    {
        var response = await Client().GetAsync("/api/v1/offerings/search" + query);
        return response.StatusCode == HttpStatusCode.ServiceUnavailable ? null : await OkJsonAsync(response);
    }

    private static async Task<JsonObject> OkJsonAsync(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await MarketplaceApp.ReadJsonAsync(response);
    }

    public static IReadOnlyList<Guid> Ids(JsonObject result) =>
        result["items"]!.AsArray().Select(i => Guid.Parse(i!["id"]!.GetValue<string>())).ToArray();

    /// <summary>Polls until <paramref name="condition"/> holds; returns the time it took, or fails after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return started.Elapsed;
            }
            if (started.Elapsed > timeout)
            {
                Assert.Fail($"Not within {timeout.TotalSeconds:0.#} s: {what}");
            }
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        Factory.Dispose();
        _app.Dispose();
    }

    public void DisposeAndDelete()
    {
        Dispose();
        MarketplaceApp.DeleteDirectory(DataDirectory);
    }

    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(FastRecovery);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }
}
