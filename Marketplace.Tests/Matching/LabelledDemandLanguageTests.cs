using Marketplace.Core.Matching;
using Marketplace.Tests.Api;
using Marketplace.Tests.Demands;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;
using static Marketplace.Tests.Engagements.EngagementSteps;

namespace Marketplace.Tests.Matching;

/// <summary>
/// Matching learns owners' words from labelled demands — an engagement an integrator accepted, a technology item the
/// owner stated — through the real API on a real SQLite file and Lucene index. Invented words (嘟嘟、咔咔、呱呱) stand for
/// an owner's everyday name for a function.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.SqlServer, Category = TestCategories.SqlServer)]
public class LabelledDemandLanguageTests(StorageKind storage)
{
    private const string Welding = "machinery.welding";
    private const string Painting = "machinery.painting";

    private DemandsHost _host = null!;
    private DemandMatcher _matcher = null!;

    [SetUp]
    public async Task Start()
    {
        _host = new DemandsHost(settings: StorageSettings(storage));
        await _host.StartAsync();
        _matcher = _host.Services.GetRequiredService<DemandMatcher>();
    }

    [TearDown]
    public void Stop() => _host?.Dispose();

    private bool Reads(string text, string item) => _matcher.DemandNeeds.Classify(text).FirstOrDefault()?.Code == item;

    [Test]
    public async Task An_accepted_engagement_teaches_the_demands_words_and_a_declined_one_does_not()
    {
        var integrator = await _host.CreateOrganizationAsync("integrator");
        var enterprise = await _host.CreateOrganizationAsync("enterprise");
        var offering = await _host.PublishOfferingAsync(integrator, OfferingBody(priceMin: 300_000, priceMax: 600_000, days: 60));
        Assert.That(Reads("想要一台嘟嘟机", Welding), Is.False);

        var accepted = await ItemMatchingAsync(enterprise, offering, "车架焊接全靠人工，焊缝不均匀，老师傅管它叫嘟嘟机，想用焊接机器人");
        var (opened, etag) = await OpenAsync(enterprise, accepted, offering);
        await StepAsync(integrator, Guid.Parse(opened["id"]!.GetValue<string>()), etag, new { action = "accept" });
        var declined = await ItemMatchingAsync(enterprise, offering, "车架焊接全靠人工，焊缝不均匀，师傅们叫它咔咔机，想用焊接机器人");
        (opened, etag) = await OpenAsync(enterprise, declined, offering);
        await StepAsync(integrator, Guid.Parse(opened["id"]!.GetValue<string>()), etag, new { action = "decline", reason = "排期已满" });

        await _host.App.CatalogLanguagePassAsync();

        Assert.Multiple(() =>
        {
            Assert.That(_host.Services.GetRequiredService<CatalogLanguage>().LabelledDemands, Is.EqualTo(1));
            Assert.That(Reads("想要一台嘟嘟机", Welding), Is.True, "the accepted demand's word reads as the offering's item");
            Assert.That(Reads("想要一台咔咔机", Welding), Is.False, "a declined engagement teaches nothing");
        });
    }

    [Test]
    public async Task An_item_stated_by_the_owner_teaches_its_words_until_the_item_is_removed()
    {
        var enterprise = await _host.CreateOrganizationAsync("enterprise");
        Assert.That(Reads("想弄个呱呱线", Painting), Is.False);
        var (list, etag) = await CreateListAsync(enterprise, Item("喷漆全靠人工，漆面流挂，老师傅叫它呱呱线，想改自动喷涂", subDirection: Painting));

        await _host.App.CatalogLanguagePassAsync();
        Assert.That(Reads("想弄个呱呱线", Painting), Is.True, "the owner's word reads as the item the owner stated");

        var removed = await enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/demand-lists/{list["id"]}", etag,
            new { items = new[] { Item("仓库找料靠翻，想上扫码出入库") } }));
        Assert.That(removed.IsSuccessStatusCode, Is.True, await removed.Content.ReadAsStringAsync());
        await _host.App.CatalogLanguagePassAsync();
        Assert.That(Reads("想弄个呱呱线", Painting), Is.False, "a removed item no longer teaches");
    }
}
