using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Marketplace.Tests.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Tests.Api.MarketplaceApp;

namespace Marketplace.Tests.Demands;

/// <summary>
/// The API on its own temporary data folder (through <see cref="MarketplaceApp"/>) with the helpers the demand tests
/// share: offerings are published through the API and indexed by the real outbox indexer before a helper returns.
/// </summary>
public sealed class DemandsHost : IDisposable
{
    private readonly MarketplaceApp _app;

    public DemandsHost(Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null) =>
        _app = new MarketplaceApp(settings: settings, services: services);

    public WebApplicationFactory<Program> Factory => _app;

    public IServiceProvider Services => _app.Services;

    public HttpClient Client(string? apiKey = null) => _app.Client(apiKey);

    public HttpClient Operator() => _app.Operator();

    /// <summary>The bootstrap operator as an organization (its id is not needed by the tests that use it).</summary>
    public Org OperatorOrg => new(Guid.Empty, OperatorKey, _app.Operator());

    public MarketplaceApp App => _app;

    public Task StartAsync()
    {
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public Task<Org> CreateOrganizationAsync(string kind, string district = "沙坪坝区", bool discloseName = false, string? name = null,
        string industry = "摩托车零部件制造", string scale = "规下高成长") =>
        _app.CreateOrganizationAsync(kind, name, district, industry, scale, discloseName);

    /// <summary>Creates, submits, approves and indexes an offering; returns its id.</summary>
    public async Task<Guid> PublishOfferingAsync(Org integrator, Dictionary<string, object?>? body = null)
    {
        var id = await _app.PublishOfferingAsync(integrator, body);
        await _app.WaitForIndexingAsync();
        return id;
    }

    public async Task SubmitAndApproveAsync(Org integrator, Guid id)
    {
        var submitted = await integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null);
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await submitted.Content.ReadAsStringAsync());
        var approved = await Operator().PostAsync($"/api/v1/offerings/{id}/approve", null);
        Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approved.Content.ReadAsStringAsync());
        await _app.WaitForIndexingAsync();
    }

    /// <summary>Delivers these offerings again, as the at-least-once indexer may: writes their documents and tells the observers.</summary>
    public Task WaitForIndexingAsync() => _app.WaitForIndexingAsync();

    public async Task RedeliverAsync(params Guid[] offeringIds)
    {
        var documents = await Services.GetRequiredService<OfferingStore>().IndexDocumentsAsync(offeringIds, CancellationToken.None);
        await Services.GetRequiredService<IOfferingIndex>().WriteAsync(documents, CancellationToken.None);
        foreach (var observer in Services.GetServices<IOfferingIndexObserver>())
        {
            await observer.OnIndexedAsync(documents, CancellationToken.None);
        }
        await _app.WaitForIndexingAsync();
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
        _app.Dispose();
        DeleteDirectory(_app.DataDirectory);
    }
}
