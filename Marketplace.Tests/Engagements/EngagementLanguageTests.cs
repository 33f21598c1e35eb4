using Marketplace.Api.Demands;
using Marketplace.Core.Matching;
using Marketplace.Tests.Demands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;
using static Marketplace.Tests.Engagements.EngagementSteps;

namespace Marketplace.Tests.Engagements;

/// <summary>
/// Matching learns owners' words from the demands integrators accept engagements for, through the real API on a real
/// SQLite file and Lucene index. Invented words (嘟嘟、咔咔) stand for an owner's everyday name for a function.
/// </summary>
public class EngagementLanguageTests
{
    private const string Welding = "machinery.welding";

    [Test]
    public async Task An_accepted_engagement_teaches_the_demands_words_and_a_declined_one_does_not()
    {
        using var host = new DemandsHost();
        await host.StartAsync();
        var integrator = await host.CreateOrganizationAsync("integrator");
        var enterprise = await host.CreateOrganizationAsync("enterprise");
        var offering = await host.PublishOfferingAsync(integrator, OfferingBody(priceMin: 300_000, priceMax: 600_000, days: 60));
        var matcher = host.Services.GetRequiredService<DemandMatcher>();
        var refresh = host.Services.GetServices<IHostedService>().OfType<CatalogLanguageRefresh>().Single();
        Assert.That(matcher.DemandNeeds.Classify("想要一台嘟嘟机").Select(r => r.Code), Does.Not.Contain(Welding));

        var accepted = await ItemMatchingAsync(enterprise, offering, "车架焊接全靠人工，焊缝不均匀，老师傅管它叫嘟嘟机，想用焊接机器人");
        var (opened, etag) = await OpenAsync(enterprise, accepted, offering);
        await StepAsync(integrator, Guid.Parse(opened["id"]!.GetValue<string>()), etag, new { action = "accept" });
        var declined = await ItemMatchingAsync(enterprise, offering, "车架焊接全靠人工，焊缝不均匀，师傅们叫它咔咔机，想用焊接机器人");
        (opened, etag) = await OpenAsync(enterprise, declined, offering);
        await StepAsync(integrator, Guid.Parse(opened["id"]!.GetValue<string>()), etag, new { action = "decline", reason = "排期已满" });

        await refresh.RefreshAsync(CancellationToken.None);

        var language = host.Services.GetRequiredService<CatalogLanguage>();
        Assert.Multiple(() =>
        {
            Assert.That(language.EngagedDemands, Is.EqualTo(1));
            Assert.That(matcher.DemandNeeds.Classify("想要一台嘟嘟机")[0].Code, Is.EqualTo(Welding), "the accepted demand's word reads as the offering's item");
            Assert.That(matcher.DemandNeeds.Classify("想要一台咔咔机").Select(r => r.Code), Does.Not.Contain(Welding), "a declined engagement teaches nothing");
        });
    }
}
