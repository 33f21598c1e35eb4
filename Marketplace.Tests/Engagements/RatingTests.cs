using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using Marketplace.Tests.Demands;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;
using static Marketplace.Tests.Engagements.EngagementSteps;

namespace Marketplace.Tests.Engagements;

/// <summary>Ratings tied to verified work and the integrator's track record, through the HTTP API (time moved by a <see cref="MovableClock"/>).</summary>
public class RatingTests
{
    private readonly MovableClock _clock = new();
    private DemandsHost _host = null!;
    private Org _integrator = null!;
    private Org _enterprise = null!;
    private Guid _offering;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new DemandsHost(services => services.AddSingleton<TimeProvider>(_clock));
        await _host.StartAsync();
        _integrator = await _host.CreateOrganizationAsync("integrator", name: "重庆评分测试集成商");
        _enterprise = await _host.CreateOrganizationAsync("enterprise", district: "璧山区", name: "重庆公开名称机械有限公司", discloseName: true);
        _offering = await _host.PublishOfferingAsync(_integrator, OfferingBody(priceMin: 300_000, priceMax: 600_000, days: 60));
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    private static object Scores(int quality = 5, int timeliness = 4, int value = 5, string? comment = "焊缝质量明显提升，服务及时") => new { quality, timeliness, value, comment };

    private static string RatingUrl(Guid id) => $"/api/v1/engagements/{id}/rating";

    [Test]
    public async Task Only_the_enterprise_of_a_verified_engagement_rates_it_once()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering);
        var (opened, etag) = await OpenAsync(_enterprise, itemId, _offering);
        var early = Guid.Parse(opened["id"]!.GetValue<string>());
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync(RatingUrl(early), Scores()), HttpStatusCode.Conflict);
        (_, _) = await StepAsync(_enterprise, early, etag, new { action = "withdraw" });

        var (id, _) = await VerifiedAsync(_enterprise, _integrator, itemId, _offering);
        var stranger = await _host.CreateOrganizationAsync("enterprise");
        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsJsonAsync(RatingUrl(id), Scores()), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await stranger.Client.PostAsJsonAsync(RatingUrl(id), Scores()), HttpStatusCode.NotFound);
        var outOfRange = await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync(RatingUrl(id), new { quality = 0, timeliness = 6, value = 3 }),
            HttpStatusCode.BadRequest, "quality");
        Assert.That(outOfRange["errors"]!.AsObject().ContainsKey("timeliness"), Is.True);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync(RatingUrl(id), new { quality = 4, timeliness = 4 }), HttpStatusCode.BadRequest, "value");
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync(RatingUrl(id), new { quality = 4.5, timeliness = 4, value = 4 }), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.GetAsync(RatingUrl(id)), HttpStatusCode.NotFound);

        var created = await _enterprise.Client.PostAsJsonAsync(RatingUrl(id), Scores());
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync(RatingUrl(id), Scores(quality: 1)), HttpStatusCode.Conflict);

        var seen = await GetJsonAsync(_integrator.Client, RatingUrl(id));
        Assert.That(seen["quality"]!.GetValue<int>(), Is.EqualTo(5));
        Assert.That(seen["enterprise"]!["name"]!.GetValue<string>(), Is.EqualTo("重庆公开名称机械有限公司"));
        await ProblemAssert.IsProblemAsync(await stranger.Client.GetAsync(RatingUrl(id)), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_rating_is_editable_for_thirty_days_with_if_match()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, "焊接机器人 焊缝返工多");
        var (id, _) = await VerifiedAsync(_enterprise, _integrator, itemId, _offering);
        var created = await _enterprise.Client.PostAsJsonAsync(RatingUrl(id), Scores(timeliness: 2));
        var etag = created.Headers.ETag!.ToString();

        await ProblemAssert.IsProblemAsync(await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, RatingUrl(id), null, Scores())), HttpStatusCode.PreconditionRequired);
        _clock.Offset += TimeSpan.FromDays(29);
        var edited = await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, RatingUrl(id), etag, Scores(timeliness: 3)));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK), await edited.Content.ReadAsStringAsync());
        Assert.That((await ReadJsonAsync(edited))["timeliness"]!.GetValue<int>(), Is.EqualTo(3));
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, RatingUrl(id), etag, Scores())), HttpStatusCode.PreconditionFailed);

        _clock.Offset += TimeSpan.FromDays(2);
        var late = await ProblemAssert.IsProblemAsync(
            await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, RatingUrl(id), edited.Headers.ETag!.ToString(), Scores(timeliness: 1))), HttpStatusCode.Conflict);
        Assert.That(late["detail"]!.GetValue<string>(), Does.Contain("30 days"));
        _clock.Offset = TimeSpan.Zero;
    }

    [Test]
    public async Task Concurrent_edits_with_if_match_star_are_applied_or_409_never_412()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, "焊接机器人 想要焊缝更均匀");
        var (id, _) = await VerifiedAsync(_enterprise, _integrator, itemId, _offering);
        Assert.That((await _enterprise.Client.PostAsJsonAsync(RatingUrl(id), Scores())).StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var edits = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, RatingUrl(id), "*", Scores(timeliness: 1 + i % 5)))));

        var statuses = edits.Select(e => e.StatusCode).ToArray();
        Assert.That(statuses, Has.Some.EqualTo(HttpStatusCode.OK));
        Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.OK).Or.EqualTo(HttpStatusCode.Conflict),
            "* names no version: a lost race is a conflict, not a failed precondition");
    }

    [Test]
    public async Task Operators_hide_an_abusive_comment_with_a_reason_and_the_scores_still_count()
    {
        var integrator = await _host.CreateOrganizationAsync("integrator");
        var offering = await _host.PublishOfferingAsync(integrator, OfferingBody(title: "焊接机器人隐藏评价测试"));
        var itemId = await ItemMatchingAsync(_enterprise, offering, "焊接机器人隐藏评价测试 焊缝");
        var (id, _) = await VerifiedAsync(_enterprise, integrator, itemId, offering);
        await _enterprise.Client.PostAsJsonAsync(RatingUrl(id), Scores(quality: 1, comment: "一群骗子（不当言论）"));

        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync($"{RatingUrl(id)}/hide-comment", new { reason = "x" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync($"{RatingUrl(id)}/hide-comment", new { }), HttpStatusCode.BadRequest, "reason");
        // Hiding names the version the operator read: a stale one is a 412 and hides nothing.
        await ProblemAssert.IsProblemAsync(await _host.Operator().SendAsync(WithIfMatch(HttpMethod.Post, $"{RatingUrl(id)}/hide-comment", "\"42\"", new { reason = "含侮辱性言论" })),
            HttpStatusCode.PreconditionFailed);
        var read = await _host.Operator().GetAsync(RatingUrl(id));
        Assert.That((await ReadJsonAsync(read))["commentHidden"]!.GetValue<bool>(), Is.False);
        var hidden = await _host.Operator().SendAsync(WithIfMatch(HttpMethod.Post, $"{RatingUrl(id)}/hide-comment", read.Headers.ETag!.ToString(), new { reason = "含侮辱性言论" }));
        Assert.That(hidden.StatusCode, Is.EqualTo(HttpStatusCode.OK), await hidden.Content.ReadAsStringAsync());

        var asOperator = await ReadJsonAsync(hidden);
        Assert.That(asOperator["comment"]!.GetValue<string>(), Does.Contain("骗子"), "operators still see the text");
        var asPublic = (await GetJsonAsync(_host.Client(), $"/api/v1/integrators/{integrator.Id}/ratings"))["items"]![0]!;
        Assert.That(asPublic["comment"], Is.Null);
        Assert.That(asPublic["commentHidden"]!.GetValue<bool>(), Is.True);
        Assert.That(asPublic["commentHiddenReason"], Is.Null, "the operator's reason often restates what was hidden: the parties read it, the public does not");
        Assert.That(asPublic["engagementId"], Is.Null, "a public case names its engagement, and with it its enterprise, which the rating leaves unnamed");
        var asIntegrator = await GetJsonAsync(integrator.Client, RatingUrl(id));
        Assert.That(asIntegrator["comment"], Is.Null);
        Assert.That(asIntegrator["commentHiddenReason"]!.GetValue<string>(), Is.EqualTo("含侮辱性言论"));
        Assert.That((await GetJsonAsync(_enterprise.Client, RatingUrl(id)))["commentHiddenReason"]!.GetValue<string>(), Is.EqualTo("含侮辱性言论"));
        var profile = await GetJsonAsync(_host.Client(), $"/api/v1/integrators/{integrator.Id}/profile");
        Assert.That(profile["quality"]!["value"]!.GetValue<double>(), Is.EqualTo(1));

        // Hidden once: a repeat is a 409 and leaves the first reason and the rating's version as they were.
        var etag = (await _host.Operator().GetAsync(RatingUrl(id))).Headers.ETag!.ToString();
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync($"{RatingUrl(id)}/hide-comment", new { reason = "第二次" }), HttpStatusCode.Conflict);
        var after = await _host.Operator().GetAsync(RatingUrl(id));
        Assert.That(after.Headers.ETag!.ToString(), Is.EqualTo(etag));
        Assert.That((await ReadJsonAsync(after))["commentHiddenReason"]!.GetValue<string>(), Is.EqualTo("含侮辱性言论"));
    }

    [Test]
    public async Task The_profile_counts_completed_work_average_ratings_on_time_and_cost_overrun_shares()
    {
        var integrator = await _host.CreateOrganizationAsync("integrator", name: "重庆档案统计集成商");
        var offering = await _host.PublishOfferingAsync(integrator, OfferingBody(title: "焊接机器人档案统计"));
        var empty = await GetJsonAsync(_host.Client(), $"/api/v1/integrators/{integrator.Id}/profile");
        Assert.Multiple(() =>
        {
            Assert.That(empty["completedEngagements"]!.GetValue<long>(), Is.Zero);
            Assert.That(empty["publishedOfferings"]!.GetValue<long>(), Is.EqualTo(1));
            Assert.That(empty["overall"]!["value"], Is.Null);
            Assert.That(empty["overall"]!["count"]!.GetValue<long>(), Is.Zero);
            Assert.That(empty["onTime"]!["value"], Is.Null);
        });

        // On time but over budget; late but under budget; one disputed and closed without 验收 (counts for nothing).
        var first = await ItemMatchingAsync(_enterprise, offering, "焊接机器人档案统计 焊缝一");
        var (a, _) = await VerifiedAsync(_enterprise, integrator, first, offering, agreedPriceYuan: 400_000, plannedDays: 60, verification: Verification(actualCostYuan: 420_000, actualDays: 50));
        var second = await ItemMatchingAsync(_enterprise, offering, "焊接机器人档案统计 焊缝二");
        var (b, _) = await VerifiedAsync(_enterprise, integrator, second, offering, agreedPriceYuan: 500_000, plannedDays: 30, verification: Verification(actualCostYuan: 480_000, actualDays: 40));
        var third = await ItemMatchingAsync(_enterprise, offering, "焊接机器人档案统计 焊缝三");
        var (opened, etag) = await OpenAsync(_enterprise, third, offering);
        var c = Guid.Parse(opened["id"]!.GetValue<string>());
        (_, etag) = await StepAsync(integrator, c, etag, new { action = "accept" });
        (_, etag) = await StepAsync(_enterprise, c, etag, new { action = "contract", agreedPriceYuan = 100_000, plannedDays = 10 });
        (_, etag) = await StepAsync(integrator, c, etag, new { action = "deliver" });
        (_, etag) = await StepAsync(_enterprise, c, etag, new { action = "dispute", reason = "未达标" });
        await StepAsync(_enterprise, c, etag, new { action = "close", reason = "不再合作" });
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync(RatingUrl(c), Scores()), HttpStatusCode.Conflict);
        await _enterprise.Client.PostAsJsonAsync(RatingUrl(a), Scores(quality: 5, timeliness: 5, value: 4));
        await _enterprise.Client.PostAsJsonAsync(RatingUrl(b), Scores(quality: 4, timeliness: 2, value: 3));

        var profile = await GetJsonAsync(_host.Client(), $"/api/v1/integrators/{integrator.Id}/profile");

        Assert.Multiple(() =>
        {
            Assert.That(profile["name"]!.GetValue<string>(), Is.EqualTo("重庆档案统计集成商"));
            Assert.That(profile["completedEngagements"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(profile["quality"]!["value"]!.GetValue<double>(), Is.EqualTo(4.5));
            Assert.That(profile["quality"]!["count"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(profile["timeliness"]!["value"]!.GetValue<double>(), Is.EqualTo(3.5));
            Assert.That(profile["value"]!["value"]!.GetValue<double>(), Is.EqualTo(3.5));
            Assert.That(profile["overall"]!["value"]!.GetValue<double>(), Is.EqualTo(3.83));
            Assert.That(profile["onTime"]!["value"]!.GetValue<double>(), Is.EqualTo(0.5));
            Assert.That(profile["onTime"]!["count"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(profile["costOverrun"]!["value"]!.GetValue<double>(), Is.EqualTo(0.5));
        });
        var ratings = await GetJsonAsync(_host.Client(), $"/api/v1/integrators/{integrator.Id}/ratings?pageSize=1");
        Assert.That(ratings["total"]!.GetValue<long>(), Is.EqualTo(2));
        Assert.That(ratings["items"]!.AsArray(), Has.Count.EqualTo(1));
        await ProblemAssert.IsProblemAsync(await _host.Client().GetAsync($"/api/v1/integrators/{_enterprise.Id}/profile"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _host.Client().GetAsync($"/api/v1/integrators/{Guid.NewGuid()}/ratings"), HttpStatusCode.NotFound);
    }
}
