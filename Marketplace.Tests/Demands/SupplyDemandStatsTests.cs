using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;

namespace Marketplace.Tests.Demands;

/// <summary>The statistics on a fixed small dataset in a fixture of its own, so every count is exact.</summary>
public class SupplyDemandStatsTests
{
    private DemandsHost _host = null!;
    private Org _center = null!;
    private Org _enterprise = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new DemandsHost();
        await _host.StartAsync();
        _center = await _host.CreateOrganizationAsync("capability-center");
        var integrator = await _host.CreateOrganizationAsync("integrator");
        // Supply: two welding offerings (one city-wide, one for two districts), one painting offering, one retired, one draft.
        await _host.PublishOfferingAsync(integrator, OfferingBody(title: "弧焊机器人工作站"));
        await _host.PublishOfferingAsync(integrator, OfferingBody(title: "激光焊接单元", districts: ["沙坪坝区", "九龙坡区"]));
        await _host.PublishOfferingAsync(integrator, OfferingBody(title: "喷涂机器人", subDirections: ["machinery.painting"], districts: ["九龙坡区"],
            summary: "自动喷涂", description: "喷涂机器人替代人工喷漆", keywords: ["喷涂"]));
        var retired = await _host.PublishOfferingAsync(integrator, OfferingBody(title: "已下架的焊接方案"));
        Assert.That((await _host.Operator().PostAsync($"/api/v1/offerings/{retired}/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await integrator.Client.PostAsync("/api/v1/offerings", System.Net.Http.Json.JsonContent.Create(OfferingBody(title: "草稿")));

        // Demand: three open items in 沙坪坝区 (two welding, one with nothing to match), one in 江北区; one closed list.
        _enterprise = await _host.CreateOrganizationAsync("enterprise", district: "沙坪坝区");
        var other = await _host.CreateOrganizationAsync("enterprise", district: "江北区");
        await CreateListAsync(_enterprise, Item("弧焊机器人 焊接", "machinery", "machinery.welding"), Item("宠物狗洗澡美容", "general"));
        await CreateListAsync(_enterprise, Item("焊接机器人工作站", subDirection: "machinery.welding"));
        await CreateListAsync(other, Item("喷涂机器人 喷漆", "machinery", "machinery.painting"));
        var (closed, _) = await CreateListAsync(other, Item("焊接"), Item("喷涂"));
        Assert.That((await other.Client.PostAsync($"/api/v1/demand-lists/{closed["id"]}/close", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    private static Dictionary<string, long> Counts(JsonNode? node) =>
        node!.AsArray().ToDictionary(c => c!["key"]!.GetValue<string>(), c => c!["count"]!.GetValue<long>());

    [Test]
    public async Task Counts_supply_and_demand_by_direction_sub_direction_and_district()
    {
        var stats = await GetJsonAsync(_center.Client, "/api/v1/stats/supply-demand");

        var offerings = stats["offerings"]!;
        var demand = stats["demandItems"]!;
        Assert.Multiple(() =>
        {
            Assert.That(offerings["total"]!.GetValue<long>(), Is.EqualTo(3));
            Assert.That(Counts(offerings["byDirection"]), Is.EqualTo(new Dictionary<string, long> { ["machinery"] = 3 }));
            Assert.That(Counts(offerings["bySubDirection"]), Is.EqualTo(new Dictionary<string, long> { ["machinery.welding"] = 2, ["machinery.painting"] = 1 }));
            Assert.That(Counts(offerings["byDistrict"]), Is.EqualTo(new Dictionary<string, long> { ["九龙坡区"] = 2, ["全市"] = 1, ["沙坪坝区"] = 1 }));
            Assert.That(demand["total"]!.GetValue<long>(), Is.EqualTo(4));
            Assert.That(Counts(demand["byDirection"]), Is.EqualTo(new Dictionary<string, long> { ["machinery"] = 3, ["general"] = 1 }));
            Assert.That(Counts(demand["bySubDirection"]), Is.EqualTo(new Dictionary<string, long> { ["machinery.welding"] = 2, ["machinery.painting"] = 1 }));
            Assert.That(Counts(demand["byDistrict"]), Is.EqualTo(new Dictionary<string, long> { ["沙坪坝区"] = 3, ["江北区"] = 1 }));
        });
    }

    [Test]
    public async Task Supply_gaps_are_items_whose_best_match_is_below_the_threshold()
    {
        var lenient = await GetJsonAsync(_center.Client, "/api/v1/stats/supply-demand?threshold=0.01");
        var strict = await GetJsonAsync(_host.Operator(), "/api/v1/stats/supply-demand?threshold=1");

        Assert.Multiple(() =>
        {
            Assert.That(lenient["threshold"]!.GetValue<double>(), Is.EqualTo(0.01));
            Assert.That(lenient["gapTotal"]!.GetValue<long>(), Is.EqualTo(1), "only the item nothing matches");
            Assert.That(lenient["gaps"]!.AsArray().Select(g => (g!["direction"]!.GetValue<string>(), g["count"]!.GetValue<long>())),
                Is.EqualTo(new[] { ("general", 1L) }));
            Assert.That(lenient["gaps"]![0]!["items"]![0]!["bestScore"], Is.Null);
            // Below 1: every item unless it scored a perfect 1.
            Assert.That(strict["gapTotal"]!.GetValue<long>(), Is.InRange(1, 4));
            Assert.That(strict["gaps"]!.AsArray().Sum(g => g!["count"]!.GetValue<long>()), Is.EqualTo(strict["gapTotal"]!.GetValue<long>()));
        });
    }

    [Test]
    public async Task Roles_and_threshold_validation()
    {
        await ProblemAssert.IsProblemAsync(await _host.Client().GetAsync("/api/v1/stats/supply-demand"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.GetAsync("/api/v1/stats/supply-demand"), HttpStatusCode.Forbidden);
        var integrator = await _host.CreateOrganizationAsync("integrator");
        await ProblemAssert.IsProblemAsync(await integrator.Client.GetAsync("/api/v1/stats/supply-demand"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _center.Client.GetAsync("/api/v1/stats/supply-demand?threshold=1.5"), HttpStatusCode.BadRequest, "threshold");
        await ProblemAssert.IsProblemAsync(await _center.Client.GetAsync("/api/v1/stats/supply-demand?threshold=-0.1"), HttpStatusCode.BadRequest, "threshold");
        var comma = await ProblemAssert.IsProblemAsync(await _center.Client.GetAsync("/api/v1/stats/supply-demand?threshold=0,1"), HttpStatusCode.BadRequest, "threshold");
        Assert.That(comma.ToJsonString(), Does.Contain("0.5"), "read as 1 before, with no word");
    }

    [Test]
    public async Task The_supply_side_follows_every_publication_and_retirement_at_once()
    {
        using var host = new DemandsHost();
        await host.StartAsync();
        var center = await host.CreateOrganizationAsync("capability-center");
        var integrator = await host.CreateOrganizationAsync("integrator");
        async Task<long> Total() => (await GetJsonAsync(center.Client, "/api/v1/stats/supply-demand"))["offerings"]!["total"]!.GetValue<long>();

        Assert.That(await Total(), Is.Zero);
        Assert.That(await Total(), Is.Zero, "counted again from the same catalog");
        var first = await host.PublishOfferingAsync(integrator, OfferingBody(title: "弧焊机器人工作站"));
        Assert.That(await Total(), Is.EqualTo(1));
        await host.PublishOfferingAsync(integrator, OfferingBody(title: "激光焊接单元"));
        Assert.That(await Total(), Is.EqualTo(2));
        Assert.That((await host.Operator().PostAsync($"/api/v1/offerings/{first}/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Total(), Is.EqualTo(1));
    }
}
