using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Marketplace.Search.Lucene;
using Marketplace.Tests.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Tests.Api.MarketplaceApp;

namespace Marketplace.Tests.Demands;

/// <summary>
/// The API on its own temporary data folder (through <see cref="MarketplaceApp"/>), with helpers to register
/// organizations, publish offerings and bring them into the search index deterministically: <see cref="IndexAsync"/>
/// writes the offerings' documents and tells the index observers, as the outbox indexer does.
/// </summary>
public sealed class DemandsHost : IDisposable
{
    private readonly MarketplaceApp _app;

    public DemandsHost()
    {
        _app = new MarketplaceApp();
        Factory = _app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            if (!services.Any(d => d.ServiceType == typeof(IOfferingIndex)))
            {
                services.AddLuceneOfferingIndex(Path.Combine(_app.DataDirectory, "index-tests"));
            }
        }));
    }

    public WebApplicationFactory<Program> Factory { get; }

    public IServiceProvider Services => Factory.Services;

    public HttpClient Client(string? apiKey = null)
    {
        var client = Factory.CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
        return client;
    }

    public HttpClient Operator() => Client(OperatorKey);

    public async Task StartAsync()
    {
        _ = Factory.Server;
        await Services.GetRequiredService<IOfferingIndex>().EnsureCreatedAsync(CancellationToken.None);
    }

    public async Task<Org> CreateOrganizationAsync(string kind, string district = "沙坪坝区", bool discloseName = false, string? name = null,
        string industry = "摩托车零部件制造", string scale = "规下高成长")
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
            body["industry"] = industry;
            body["scale"] = scale;
        }
        var response = await Operator().PostAsJsonAsync("/api/v1/organizations", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(response);
        var key = json["apiKey"]!.GetValue<string>();
        return new Org(Guid.Parse(json["organization"]!["id"]!.GetValue<string>()), key, Client(key));
    }

    /// <summary>Creates, submits, approves and indexes an offering; returns its id.</summary>
    public async Task<Guid> PublishOfferingAsync(Org integrator, Dictionary<string, object?>? body = null)
    {
        var created = await integrator.Client.PostAsJsonAsync("/api/v1/offerings", body ?? OfferingBody());
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = Guid.Parse((await ReadJsonAsync(created))["id"]!.GetValue<string>());
        await SubmitAndApproveAsync(integrator, id);
        return id;
    }

    public async Task SubmitAndApproveAsync(Org integrator, Guid id)
    {
        var submitted = await integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null);
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await submitted.Content.ReadAsStringAsync());
        var approved = await Operator().PostAsync($"/api/v1/offerings/{id}/approve", null);
        Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approved.Content.ReadAsStringAsync());
        await IndexAsync(id);
    }

    /// <summary>What the outbox indexer does for these offerings: write their documents, then tell the observers.</summary>
    public async Task IndexAsync(params Guid[] offeringIds)
    {
        // One at a time: OfferingStore.IndexDocumentsAsync's `IN @Ids` with Guids matches nothing on SQLite.
        var store = Services.GetRequiredService<OfferingStore>();
        var documents = new List<OfferingDocument>();
        foreach (var id in offeringIds)
        {
            documents.Add(store.ToDocument((await store.FindAsync(id, CancellationToken.None))!));
        }
        await Services.GetRequiredService<IOfferingIndex>().WriteAsync(documents, CancellationToken.None);
        foreach (var observer in Services.GetServices<IOfferingIndexObserver>())
        {
            await observer.OnIndexedAsync(documents, CancellationToken.None);
        }
    }

    public static object Item(string text, string? direction = null, string? subDirection = null, long? budgetYuan = null, int? withinDays = null, Guid? id = null) =>
        new { id, text, direction, subDirection, budgetYuan, withinDays };

    /// <summary>Submits a demand list; returns the created list and its ETag.</summary>
    public static async Task<(JsonObject List, string ETag)> CreateListAsync(Org enterprise, params object[] items)
    {
        var response = await enterprise.Client.PostAsJsonAsync("/api/v1/demand-lists", new { title = "需求清单", items });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await ReadJsonAsync(response), response.Headers.ETag!.ToString());
    }

    public static async Task<JsonObject> GetJsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await ReadJsonAsync(response);
    }

    public void Dispose()
    {
        Factory.Dispose();
        _app.Dispose();
        DeleteDirectory(_app.DataDirectory);
    }
}
