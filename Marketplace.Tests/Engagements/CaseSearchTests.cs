using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Tests.Demands;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;
using static Marketplace.Tests.Engagements.EngagementSteps;

namespace Marketplace.Tests.Engagements;

/// <summary>The case library's text search on a library of its own, whose five cases tell of the same work.</summary>
public class CaseSearchTests
{
    [Test]
    public async Task A_library_whose_every_case_holds_the_words_still_finds_them()
    {
        using var host = new DemandsHost();
        await host.StartAsync();
        var integrator = await host.CreateOrganizationAsync("integrator");
        var enterprise = await host.CreateOrganizationAsync("enterprise", district: "璧山区", industry: "摩托车零部件制造");
        var offering = await host.PublishOfferingAsync(integrator, OfferingBody());
        for (var i = 0; i < 5; i++)
        {
            var item = await ItemMatchingAsync(enterprise, offering, $"车架焊接机器人 第{i + 1}条线");
            var (engagement, _) = await VerifiedAsync(enterprise, integrator, item, offering);
            var created = await ReadJsonAsync(await integrator.Client.PostAsJsonAsync("/api/v1/cases",
                new { engagementId = engagement, title = "摩托车车架机器人焊接改造", summary = "六轴弧焊机器人替代人工焊接车架。" }));
            var id = created["id"]!.GetValue<string>();
            await enterprise.Client.PostAsJsonAsync($"/api/v1/cases/{id}/consent", new { named = false });
            await host.Operator().PostAsync($"/api/v1/cases/{id}/approve", null);
        }

        var found = await GetJsonAsync(host.Client(), "/api/v1/cases/search?q=" + Uri.EscapeDataString("焊接机器人"));
        Assert.That(found["total"]!.GetValue<long>(), Is.EqualTo(5), found.ToJsonString());
    }
}
