using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using Marketplace.Tests.Demands;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;
using static Marketplace.Tests.Engagements.EngagementSteps;

namespace Marketplace.Tests.Engagements;

/// <summary>Verified evidence in matching: a bounded tie-breaker with its own reason; no evidence is neutral.</summary>
public class EvidenceTests
{
    private const string Need = "车架焊接全靠人工，焊缝宽窄不一，想上弧焊机器人";

    [Test]
    public async Task Verified_work_in_the_same_item_breaks_a_tie_and_says_so_while_no_evidence_is_neutral()
    {
        var clock = new MovableClock();
        using var host = new DemandsHost(services => services.AddSingleton<TimeProvider>(clock));
        await host.StartAsync();
        var first = await host.CreateOrganizationAsync("integrator", name: "重庆证据测试集成商甲");
        var second = await host.CreateOrganizationAsync("integrator", name: "重庆证据测试集成商乙");
        var body = OfferingBody(title: "弧焊机器人工作站（证据测试）", priceMin: 200_000, priceMax: 400_000, days: 45);
        var firstOffering = await host.PublishOfferingAsync(first, body);
        var secondOffering = await host.PublishOfferingAsync(second, body);
        var enterprise = await host.CreateOrganizationAsync("enterprise", district: "璧山区");

        // The same offering from two integrators: a near tie (the engine's scores differ in the last digits).
        var before = await RankedAsync(enterprise, Need);
        var behind = before[firstOffering]["rank"]!.GetValue<int>() > before[secondOffering]["rank"]!.GetValue<int>();
        var (proven, provenOffering, newOffering) = behind ? (first, firstOffering, secondOffering) : (second, secondOffering, firstOffering);
        Assert.That(before[provenOffering]["score"]!.GetValue<double>(), Is.EqualTo(before[newOffering]["score"]!.GetValue<double>()).Within(0.5).Percent, "a near tie");

        for (var n = 0; n < 2; n++)
        {
            var item = await ItemMatchingAsync(enterprise, provenOffering, Need);
            var (id, _) = await VerifiedAsync(enterprise, proven, item, provenOffering);
            await enterprise.Client.PostAsJsonAsync($"/api/v1/engagements/{id}/rating", new { quality = 5, timeliness = 5, value = 4 });
        }
        clock.Offset += TimeSpan.FromMinutes(1); // past the evidence cache

        var after = await RankedAsync(await host.CreateOrganizationAsync("enterprise", district: "璧山区"), Need);
        var provenMatch = after[provenOffering];
        var newMatch = after[newOffering];
        var evidence = provenMatch["reasons"]!.AsArray().Single(r => r!["kind"]!.GetValue<string>() == "evidence")!;
        Assert.Multiple(() =>
        {
            Assert.That(evidence["detail"]!.GetValue<string>(), Is.EqualTo("同类项目已验收2个，平均评分4.7"));
            Assert.That(provenMatch["rank"]!.GetValue<int>(), Is.LessThan(newMatch["rank"]!.GetValue<int>()), "the tie is broken by verified work");
            Assert.That(newMatch["score"]!.GetValue<double>(), Is.EqualTo(before[newOffering]["score"]!.GetValue<double>()), "no evidence: exactly the score as ranked");
            Assert.That(newMatch["reasons"]!.AsArray().Any(r => r!["kind"]!.GetValue<string>() == "evidence"), Is.False);
            var gain = provenMatch["score"]!.GetValue<double>() / before[provenOffering]["score"]!.GetValue<double>() - 1;
            Assert.That(gain, Is.GreaterThan(0).And.LessThanOrEqualTo(0.03 + 1e-3), "bounded: at most 3 % of its own score");
        });
        foreach (var match in after.Values.Where(m => m["reasons"]!.AsArray().Any(r => r!["kind"]!.GetValue<string>() == "evidence")))
        {
            Assert.That(match["reasons"]!.AsArray().Any(r => r!["kind"]!.GetValue<string>() is "subDirection" or "need" && r["ok"]!.GetValue<bool>()), Is.True,
                "evidence only counts for offerings in the demand's technology item");
        }
    }

    /// <summary>A new list with one item; its matches by offering id, with their rank.</summary>
    private static async Task<Dictionary<Guid, JsonObject>> RankedAsync(Org enterprise, string text)
    {
        var (list, _) = await CreateListAsync(enterprise, Item(text));
        var matches = (await GetJsonAsync(enterprise.Client, $"/api/v1/demand-lists/{list["id"]}/matches?topK=50"))["items"]![0]!["matches"]!.AsArray();
        return matches.Select((m, n) => { m!["rank"] = n + 1; return m.AsObject(); })
            .ToDictionary(m => Guid.Parse(m["offeringId"]!.GetValue<string>()));
    }
}
