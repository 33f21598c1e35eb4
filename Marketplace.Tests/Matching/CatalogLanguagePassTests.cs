using System.Net;
using Marketplace.Api.Demands;
using Marketplace.Core.Matching;
using Marketplace.Tests.Api;
using Marketplace.Tests.Demands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Marketplace.Tests.Api.MarketplaceApp;

namespace Marketplace.Tests.Matching;

/// <summary>
/// Every node reads the whole catalog into its catalog language every interval, so a pass over a catalog nobody changed
/// since the last read must skip the read (at 100,000 offerings it is 14–22 s of a core, over the network on SQL Server).
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.SqlServer, Category = TestCategories.SqlServer)]
public class CatalogLanguagePassTests(StorageKind storage)
{
    private DemandsHost _host = null!;

    [SetUp]
    public async Task Start()
    {
        _host = new DemandsHost(settings: StorageSettings(storage));
        await _host.StartAsync();
    }

    [TearDown]
    public void Stop() => _host?.Dispose();

    [Test]
    public async Task A_pass_reads_the_catalog_only_when_an_offering_was_published_or_retired_since_the_last_read()
    {
        var pass = _host.Services.GetServices<IHostedService>().OfType<CatalogLanguageRefresh>().Single();
        var language = _host.Services.GetRequiredService<CatalogLanguage>();
        await _host.Services.GetRequiredService<MatchingWarmUp>().Completed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(await pass.RefreshAsync(CancellationToken.None), Is.False, "the warm-up has just read this catalog");

        var integrator = await _host.CreateOrganizationAsync("integrator");
        var offering = await _host.PublishOfferingAsync(integrator, OfferingBody());
        Assert.That(await pass.RefreshAsync(CancellationToken.None), Is.True, "an offering was published");
        Assert.That(language.Examples, Is.EqualTo(1));
        Assert.That(await pass.RefreshAsync(CancellationToken.None), Is.False, "nothing changed since");

        var retired = await integrator.Client.PostAsync($"/api/v1/offerings/{offering}/retire", null);
        Assert.That(retired.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _host.App.WaitForIndexingAsync();
        Assert.That(await pass.RefreshAsync(CancellationToken.None), Is.True, "an offering was retired");
        Assert.That(language.Examples, Is.Zero);
        Assert.That(await pass.RefreshAsync(CancellationToken.None), Is.False);
    }
}
