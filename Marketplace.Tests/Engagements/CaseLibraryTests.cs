using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using Marketplace.Tests.Demands;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;
using static Marketplace.Tests.Engagements.EngagementSteps;

namespace Marketplace.Tests.Engagements;

/// <summary>The case library (案例库) through the HTTP API: consent of both parties, review, anonymity, search, the offering's page.</summary>
public class CaseLibraryTests
{
    private DemandsHost _host = null!;
    private Org _integrator = null!;
    private Org _enterprise = null!;
    private Guid _offering;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new DemandsHost();
        await _host.StartAsync();
        _integrator = await _host.CreateOrganizationAsync("integrator", name: "重庆案例库测试集成商");
        _enterprise = await _host.CreateOrganizationAsync("enterprise", district: "璧山区", name: "重庆璧山案例摩托车配件有限公司", industry: "摩托车零部件制造");
        _offering = await _host.PublishOfferingAsync(_integrator, OfferingBody(priceMin: 300_000, priceMax: 600_000, days: 60));
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    private static Guid IdOf(JsonObject json) => Guid.Parse(json["id"]!.GetValue<string>());

    private async Task<Guid> VerifiedEngagementAsync(string text)
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, text);
        return (await VerifiedAsync(_enterprise, _integrator, itemId, _offering)).Id;
    }

    private static async Task<(JsonObject Case, string ETag)> CreateCaseAsync(Org party, Guid engagementId, string title, string summary, bool? named = null)
    {
        var response = await party.Client.PostAsJsonAsync("/api/v1/cases", new { engagementId, title, summary, named });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await ReadJsonAsync(response), response.Headers.ETag!.ToString());
    }

    private static async Task<JsonObject> OkAsync(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await ReadJsonAsync(response);
    }

    private async Task<Guid> PublishedCaseAsync(Guid engagementId, string title, string summary, bool named)
    {
        var (created, _) = await CreateCaseAsync(_integrator, engagementId, title, summary);
        await OkAsync(await _enterprise.Client.PostAsJsonAsync($"/api/v1/cases/{IdOf(created)}/consent", new { named }));
        await OkAsync(await _host.Operator().PostAsync($"/api/v1/cases/{IdOf(created)}/approve", null));
        return IdOf(created);
    }

    [Test]
    public async Task A_case_needs_both_consents_and_an_operators_approval_and_leaves_the_library_when_consent_is_revoked()
    {
        var engagement = await VerifiedEngagementAsync("车架焊接机器人 焊缝合格率低");
        var (created, etag) = await CreateCaseAsync(_integrator, engagement, "摩托车车架机器人焊接改造", "用弧焊机器人工作站替代人工焊接车架，焊缝一次合格率明显提升。");
        var id = IdOf(created);
        Assert.That(created["status"]!.GetValue<string>(), Is.EqualTo("draft"));
        Assert.That(created["consents"]!["integrator"], Is.Not.Null);
        Assert.That(created["consents"]!["enterprise"], Is.Null);
        Assert.That(created["outcomes"]!.AsArray().Select(o => o!["summary"]!.GetValue<string>()), Does.Contain("焊缝一次合格率 92%→98%"));
        await ProblemAssert.IsProblemAsync(await _host.Client().GetAsync($"/api/v1/cases/{id}"), HttpStatusCode.NotFound);
        var outsider = await _host.CreateOrganizationAsync("integrator");
        await ProblemAssert.IsProblemAsync(await outsider.Client.GetAsync($"/api/v1/cases/{id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsync($"/api/v1/cases/{id}/approve", null), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsJsonAsync("/api/v1/cases", new { engagementId = engagement, title = "x", summary = "y" }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsJsonAsync($"/api/v1/cases/{id}/consent", new { named = true }), HttpStatusCode.BadRequest, "named");

        // The enterprise edits the text: the integrator's consent goes, both must consent to the new words.
        var edited = await OkAsync(await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/cases/{id}", etag,
            new { title = "摩托车车架机器人焊接改造", summary = "用弧焊机器人工作站替代人工焊接车架，焊工由8人减到3人，一次合格率由92%升到98%。" })));
        Assert.That(edited["consents"]!["integrator"], Is.Null);
        var enterpriseConsented = await OkAsync(await _enterprise.Client.PostAsJsonAsync($"/api/v1/cases/{id}/consent", new { named = false }));
        Assert.That(enterpriseConsented["status"]!.GetValue<string>(), Is.EqualTo("draft"));
        var submitted = await OkAsync(await _integrator.Client.PostAsJsonAsync($"/api/v1/cases/{id}/consent", new { }));
        Assert.That(submitted["status"]!.GetValue<string>(), Is.EqualTo("submitted"));
        var queue = await GetJsonAsync(_host.Operator(), "/api/v1/cases?status=submitted");
        Assert.That(queue["items"]!.AsArray().Select(k => k!["id"]!.GetValue<string>()), Does.Contain(id.ToString()));

        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsync($"/api/v1/cases/{id}/approve", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync($"/api/v1/cases/{id}/reject", new { }), HttpStatusCode.BadRequest, "reason");
        var rejected = await OkAsync(await _host.Operator().PostAsJsonAsync($"/api/v1/cases/{id}/reject", new { reason = "请补充实施周期" }));
        Assert.That(rejected["status"]!.GetValue<string>(), Is.EqualTo("draft"));
        Assert.That(rejected["rejectReason"]!.GetValue<string>(), Is.EqualTo("请补充实施周期"));
        Assert.That(rejected["consents"]!["enterprise"], Is.Null);
        await OkAsync(await _enterprise.Client.PostAsJsonAsync($"/api/v1/cases/{id}/consent", new { named = false }));
        await OkAsync(await _integrator.Client.PostAsJsonAsync($"/api/v1/cases/{id}/consent", new { }));
        var published = await OkAsync(await _host.Operator().PostAsync($"/api/v1/cases/{id}/approve", null));
        Assert.That(published["status"]!.GetValue<string>(), Is.EqualTo("published"));

        var asPublic = await GetJsonAsync(_host.Client(), $"/api/v1/cases/{id}");
        Assert.Multiple(() =>
        {
            Assert.That(asPublic["enterprise"]!["name"], Is.Null, "anonymised: industry and district only");
            Assert.That(asPublic["enterprise"]!["district"]!.GetValue<string>(), Is.EqualTo("璧山区"));
            Assert.That(asPublic["enterprise"]!["industry"]!.GetValue<string>(), Is.EqualTo("摩托车零部件制造"));
            Assert.That(asPublic["history"], Is.Null);
            Assert.That(asPublic["rejectReason"], Is.Null);
            Assert.That(asPublic.ToJsonString(), Does.Not.Contain("重庆璧山案例摩托车配件有限公司"));
        });
        Assert.That(await SearchIdsAsync("?q=车架焊接"), Does.Contain(id.ToString()));

        // Revoking names the version read: a stale one is a 412 and the case stays published.
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/cases/{id}/revoke-consent", "\"9999\"")),
            HttpStatusCode.PreconditionFailed);
        Assert.That(await SearchIdsAsync("?q=车架焊接"), Does.Contain(id.ToString()));
        var revoked = await OkAsync(await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/cases/{id}/revoke-consent",
            (await _enterprise.Client.GetAsync($"/api/v1/cases/{id}")).Headers.ETag!.ToString())));
        Assert.That(revoked["status"]!.GetValue<string>(), Is.EqualTo("draft"));
        await ProblemAssert.IsProblemAsync(await _host.Client().GetAsync($"/api/v1/cases/{id}"), HttpStatusCode.NotFound);
        Assert.That(await SearchIdsAsync("?q=车架焊接"), Does.Not.Contain(id.ToString()));
    }

    private async Task<string[]> SearchIdsAsync(string query) =>
        (await GetJsonAsync(_host.Client(), $"/api/v1/cases/search{query}"))["items"]!.AsArray().Select(k => k!["id"]!.GetValue<string>()).ToArray();

    [Test]
    public async Task Consenting_again_keeps_the_first_consents_time_and_changes_nothing()
    {
        var engagement = await VerifiedEngagementAsync("焊接机器人 车架 再次同意");
        var (created, etag) = await CreateCaseAsync(_integrator, engagement, "车架焊接案例", "弧焊机器人焊接车架。");
        var id = IdOf(created);
        await Task.Delay(20);
        var response = await _integrator.Client.PostAsJsonAsync($"/api/v1/cases/{id}/consent", new { });
        var again = await OkAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(again["consents"]!["integrator"]!.ToJsonString(), Is.EqualTo(created["consents"]!["integrator"]!.ToJsonString()));
            Assert.That(again["status"]!.GetValue<string>(), Is.EqualTo("draft"));
            Assert.That(response.Headers.ETag!.ToString(), Is.EqualTo(etag), "nothing was written");
        });
        var submitted = await OkAsync(await _enterprise.Client.PostAsJsonAsync($"/api/v1/cases/{id}/consent", new { named = false }));
        Assert.That(submitted["status"]!.GetValue<string>(), Is.EqualTo("submitted"));
    }

    [Test]
    public async Task Cases_come_only_from_verified_engagements_of_your_own()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, "焊接机器人 车架 案例前置");
        var (opened, _) = await OpenAsync(_enterprise, itemId, _offering);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync("/api/v1/cases", new { engagementId = IdOf(opened), title = "x", summary = "y" }),
            HttpStatusCode.Conflict);
        var stranger = await _host.CreateOrganizationAsync("enterprise");
        var engagement = await VerifiedEngagementAsync("焊接机器人 车架 外人");
        await ProblemAssert.IsProblemAsync(await stranger.Client.PostAsJsonAsync("/api/v1/cases", new { engagementId = engagement, title = "x", summary = "y" }),
            HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/cases", new { engagementId = engagement, title = "x", summary = "y" }),
            HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync("/api/v1/cases", new { engagementId = engagement, title = "", summary = new string('长', 2001) }),
            HttpStatusCode.BadRequest, "title");
        await ProblemAssert.IsProblemAsync(await _host.Client().GetAsync("/api/v1/cases/search?direction=nowhere"), HttpStatusCode.BadRequest, "direction");
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.GetAsync("/api/v1/cases?status=gone"), HttpStatusCode.BadRequest, "status");
    }

    [Test]
    public async Task The_library_is_searched_by_text_direction_item_district_and_industry_and_the_offering_lists_its_cases()
    {
        var named = await PublishedCaseAsync(await VerifiedEngagementAsync("焊接机器人 焊缝 具名案例"), "车架弧焊机器人工作站应用",
            "六轴弧焊机器人替代人工焊接摩托车车架，焊缝均匀，返工减少。", named: true);
        var painting = await _host.PublishOfferingAsync(_integrator, OfferingBody(title: "喷涂机器人产线", subDirections: ["machinery.painting"], summary: "自动喷涂",
            description: "喷涂机器人替代人工喷漆，漆膜均匀", keywords: ["喷涂机器人", "喷漆"]));
        var other = await _host.CreateOrganizationAsync("enterprise", district: "江津区", industry: "农机装备制造");
        var paintItem = await ItemMatchingAsync(other, painting, "喷漆全靠人工，漆膜厚薄不均，流挂多");
        var (paintEngagement, _) = await VerifiedAsync(other, _integrator, paintItem, painting);
        var (created, _) = await CreateCaseAsync(other, paintEngagement, "农机外壳机器人喷涂", "喷涂机器人替代人工喷漆，漆膜均匀，流挂明显减少。", named: false);
        await OkAsync(await _integrator.Client.PostAsJsonAsync($"/api/v1/cases/{IdOf(created)}/consent", new { }));
        await OkAsync(await _host.Operator().PostAsync($"/api/v1/cases/{IdOf(created)}/approve", null));
        var paintCase = IdOf(created);

        var byText = await GetJsonAsync(_host.Client(), "/api/v1/cases/search?q=弧焊机器人焊接车架");
        Assert.That(byText["items"]![0]!["id"]!.GetValue<string>(), Is.EqualTo(named.ToString()));
        Assert.That(byText["items"]![0]!["score"]!.GetValue<double>(), Is.InRange(0.15, 1.0));
        Assert.That(byText["items"]![0]!["enterprise"]!["name"]!.GetValue<string>(), Is.EqualTo("重庆璧山案例摩托车配件有限公司"));
        Assert.That(await SearchIdsAsync("?q=漆膜流挂"), Is.EqualTo(new[] { paintCase.ToString() }));
        Assert.That(await SearchIdsAsync("?q=宠物美容"), Is.Empty);
        Assert.That(await SearchIdsAsync("?subDirection=machinery.painting"), Is.EqualTo(new[] { paintCase.ToString() }));
        Assert.That(await SearchIdsAsync("?direction=machinery"), Does.Contain(paintCase.ToString()).And.Contain(named.ToString()));
        Assert.That(await SearchIdsAsync("?district=江津区"), Is.EqualTo(new[] { paintCase.ToString() }));
        Assert.That(await SearchIdsAsync("?industry=农机"), Is.EqualTo(new[] { paintCase.ToString() }));
        Assert.That(await SearchIdsAsync("?q=机器人&district=璧山区"), Does.Not.Contain(paintCase.ToString()).And.Contain(named.ToString()));
        Assert.That(await SearchIdsAsync($"?offeringId={painting}"), Is.EqualTo(new[] { paintCase.ToString() }));

        var page = await GetJsonAsync(_host.Client(), $"/api/v1/offerings/{painting}");
        var listed = page["verifiedCases"]!.AsArray();
        Assert.That(listed.Select(k => k!["id"]!.GetValue<string>()), Is.EqualTo(new[] { paintCase.ToString() }));
        Assert.That(listed[0]!["outcomes"]!.AsArray().Select(o => o!["summary"]!.GetValue<string>()), Does.Contain("焊工人数 8人→3人"));
        Assert.That(listed[0]!["enterprise"]!["name"], Is.Null);
        var profile = await GetJsonAsync(_host.Client(), $"/api/v1/integrators/{_integrator.Id}/profile");
        Assert.That(profile["publishedCases"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(2));
    }
}
