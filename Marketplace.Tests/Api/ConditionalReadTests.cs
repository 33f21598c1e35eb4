using System.Net;
using System.Net.Http.Json;
using Marketplace.Tests.Demands;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;
using static Marketplace.Tests.Engagements.EngagementSteps;

namespace Marketplace.Tests.Api;

/// <summary>Conditional reads through the HTTP API: If-None-Match naming the current ETag is answered 304 Not Modified (RFC 9110 §13.1.2).</summary>
public class ConditionalReadTests
{
    private const string WeldingNeed = "车架焊接全靠人工，焊缝不均匀，想用焊接机器人";

    private DemandsHost _host = null!;
    private Org _integrator = null!;
    private Org _enterprise = null!;
    private Guid _offering;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new DemandsHost();
        await _host.StartAsync();
        _integrator = await _host.CreateOrganizationAsync("integrator");
        _enterprise = await _host.CreateOrganizationAsync("enterprise", district: "璧山区");
        _offering = await _host.PublishOfferingAsync(_integrator, OfferingBody(priceMin: 300_000, priceMax: 600_000, days: 60));
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    private static Task<HttpResponseMessage> ReadAsync(HttpClient client, string url, string ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return client.SendAsync(request);
    }

    private static async Task<string> CurrentETagAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return response.Headers.ETag!.ToString();
    }

    private static object Webhook(string description = "轮询测试") =>
        new { url = "https://receiver.example.com/marketplace", eventTypes = new[] { "review.decided" }, description };

    /// <summary>A webhook endpoint of a new enterprise (it never receives a delivery: nothing is reviewed for it); returns the enterprise and the endpoint's URL.</summary>
    private async Task<(Org Owner, string Url)> WebhookAsync()
    {
        var owner = await _host.CreateOrganizationAsync("enterprise");
        var created = await owner.Client.PostAsJsonAsync("/api/v1/webhooks", Webhook());
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (owner, $"/api/v1/webhooks/{(await ReadJsonAsync(created))["endpoint"]!["id"]}");
    }

    private static async Task AssertNotModifiedAsync(HttpResponseMessage response, string etag, string because)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotModified), $"{because}: {await response.Content.ReadAsStringAsync()}");
        Assert.That(response.Headers.ETag?.ToString(), Is.EqualTo(etag), because);
    }

    private static async Task AssertReadInFullAsync(HttpResponseMessage response, string because)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{because}: {text}");
        Assert.That(text, Does.StartWith("{"), because);
    }

    [Test]
    public async Task An_unchanged_resource_is_304_without_a_body_and_with_its_etag_vary_and_cache_control()
    {
        var (owner, url) = await WebhookAsync();
        var etag = await CurrentETagAsync(owner.Client, url);

        var response = await ReadAsync(owner.Client, url, etag);

        await AssertNotModifiedAsync(response, etag, "the caller holds the current version");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.Empty, "a 304 has no body");
            Assert.That(response.Content.Headers.ContentType, Is.Null);
            Assert.That(response.Headers.Vary, Does.Contain("X-Api-Key"), "the same Vary as the full answer");
            Assert.That(response.Headers.CacheControl?.Private, Is.True, "the same Cache-Control as the full answer to a key");
        });
    }

    [Test]
    public async Task Head_answers_as_get_without_a_body()
    {
        var url = $"/api/v1/offerings/{_offering}";
        var get = await _host.Client().GetAsync(url);

        var head = await _host.Client().SendAsync(new HttpRequestMessage(HttpMethod.Head, url));

        Assert.Multiple(async () =>
        {
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(head.Headers.ETag, Is.EqualTo(get.Headers.ETag));
            Assert.That(head.Content.Headers.ContentType?.MediaType, Is.EqualTo(get.Content.Headers.ContentType?.MediaType));
            Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty);
        });
        var missing = await _host.Client().SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/offerings/{Guid.NewGuid()}"));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await missing.Content.ReadAsByteArrayAsync(), Is.Empty);
        var taxonomy = new HttpRequestMessage(HttpMethod.Head, "/api/v1/taxonomy");
        Assert.That((await _host.Client().SendAsync(taxonomy)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var postOnly = await _host.Client().SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/offerings/{_offering}/submit"));
        Assert.That(postOnly.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task If_none_match_takes_a_list_star_and_weak_tags_and_a_stale_tag_is_read_in_full()
    {
        var (owner, url) = await WebhookAsync();
        var etag = await CurrentETagAsync(owner.Client, url);

        await AssertNotModifiedAsync(await ReadAsync(owner.Client, url, $"\"999\", {etag}"), etag, "a list naming the current tag");
        await AssertNotModifiedAsync(await ReadAsync(owner.Client, url, "*"), etag, "* matches any current version");
        await AssertNotModifiedAsync(await ReadAsync(owner.Client, url, $"W/{etag}"), etag, "weak comparison");
        await AssertReadInFullAsync(await ReadAsync(owner.Client, url, "\"999\""), "a stale tag");
        await AssertReadInFullAsync(await ReadAsync(owner.Client, url, "W/\"999\", \"998\""), "a list of stale tags");
        await AssertReadInFullAsync(await ReadAsync(owner.Client, url, etag.Trim('"')), "an unquoted value is no entity tag");
    }

    [Test]
    public async Task A_change_makes_the_old_etag_read_in_full_again()
    {
        var (owner, url) = await WebhookAsync();
        var before = await CurrentETagAsync(owner.Client, url);
        await AssertNotModifiedAsync(await ReadAsync(owner.Client, url, before), before, "unchanged so far");

        var edited = await owner.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, before, Webhook(description: "改过的说明")));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK), await edited.Content.ReadAsStringAsync());
        var after = edited.Headers.ETag!.ToString();
        Assert.That(after, Is.Not.EqualTo(before));

        var stale = await ReadAsync(owner.Client, url, before);
        await AssertReadInFullAsync(stale, "the version the caller holds is no longer current");
        Assert.That(stale.Headers.ETag?.ToString(), Is.EqualTo(after));
        Assert.That((await ReadJsonAsync(stale))["description"]!.GetValue<string>(), Is.EqualTo("改过的说明"));
        await AssertNotModifiedAsync(await ReadAsync(owner.Client, url, after), after, "the new version, once read");
    }

    [Test]
    public async Task Star_is_304_only_to_who_may_read_the_resource_others_get_what_they_got_before()
    {
        var (owner, url) = await WebhookAsync();
        var etag = await CurrentETagAsync(owner.Client, url);
        await AssertNotModifiedAsync(await ReadAsync(owner.Client, url, "*"), etag, "the owner");
        await ProblemAssert.IsProblemAsync(await ReadAsync(_enterprise.Client, url, "*"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await ReadAsync(_enterprise.Client, url, etag), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await ReadAsync(_host.Client(), url, "*"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await ReadAsync(owner.Client, $"/api/v1/webhooks/{Guid.NewGuid()}", "*"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Ratings_and_cases_are_304_to_who_may_read_them_and_404_to_others()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, WeldingNeed);
        var (engagement, _) = await VerifiedAsync(_enterprise, _integrator, itemId, _offering);
        var rated = await _enterprise.Client.PostAsJsonAsync($"/api/v1/engagements/{engagement}/rating", new { quality = 5, timeliness = 4, value = 5 });
        Assert.That(rated.StatusCode, Is.EqualTo(HttpStatusCode.Created), await rated.Content.ReadAsStringAsync());
        var created = await _integrator.Client.PostAsJsonAsync("/api/v1/cases", new { engagementId = engagement, title = "车架焊接机器人改造", summary = "焊缝一次合格率从 92% 提升到 98%" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var stranger = await _host.CreateOrganizationAsync("enterprise");

        var rating = $"/api/v1/engagements/{engagement}/rating";
        var ratingETag = rated.Headers.ETag!.ToString();
        await AssertNotModifiedAsync(await ReadAsync(_integrator.Client, rating, ratingETag), ratingETag, "a party reads the rating it holds");
        await AssertNotModifiedAsync(await ReadAsync(_host.Operator(), rating, "*"), ratingETag, "operators read every rating");
        await ProblemAssert.IsProblemAsync(await ReadAsync(stranger.Client, rating, "*"), HttpStatusCode.NotFound);

        var draft = $"/api/v1/cases/{(await ReadJsonAsync(created))["id"]}";
        var caseETag = created.Headers.ETag!.ToString();
        await AssertNotModifiedAsync(await ReadAsync(_enterprise.Client, draft, caseETag), caseETag, "the other party reads the draft");
        await ProblemAssert.IsProblemAsync(await ReadAsync(_host.Client(), draft, "*"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await ReadAsync(stranger.Client, draft, caseETag), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_demand_list_is_304_to_the_capability_center_and_read_in_full_by_who_sees_its_engagements()
    {
        var center = await _host.CreateOrganizationAsync("capability-center");
        var (list, etag) = await CreateListAsync(_enterprise, Item(WeldingNeed));
        var url = $"/api/v1/demand-lists/{list["id"]}";
        await AssertNotModifiedAsync(await ReadAsync(center.Client, url, etag), etag, "the center holds the current list");

        var itemId = Guid.Parse(list["items"]![0]!["id"]!.GetValue<string>());
        await OpenAsync(_enterprise, itemId, _offering);
        Assert.That(await CurrentETagAsync(_enterprise.Client, url), Is.EqualTo(etag), "opening an engagement is no new version of the list");
        var owner = await ReadAsync(_enterprise.Client, url, etag);
        await AssertReadInFullAsync(owner, "the enterprise sees the engagements opened from its items");
        Assert.That((await ReadJsonAsync(owner))["items"]![0]!["engagements"]!.AsArray(), Has.Count.EqualTo(1));
        await AssertReadInFullAsync(await ReadAsync(_host.Operator(), url, etag), "operators see them too");
        await AssertNotModifiedAsync(await ReadAsync(center.Client, url, etag), etag, "the center's answer shows no engagements: still unchanged");

        var edited = await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, etag, new { title = "改过的需求清单", items = new[] { Item(WeldingNeed, id: itemId) } }));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK), await edited.Content.ReadAsStringAsync());
        await AssertReadInFullAsync(await ReadAsync(center.Client, url, etag), "an edited list is a new version");

        var offering = $"/api/v1/offerings/{_offering}";
        await AssertReadInFullAsync(await ReadAsync(_host.Client(), offering, await CurrentETagAsync(_host.Client(), offering)),
            "an offering's page lists its verified cases, which change without a new ETag: it is always read in full");
    }
}
