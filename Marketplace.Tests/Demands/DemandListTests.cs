using System.Net;
using System.Net.Http.Json;
using Marketplace.Tests.Api;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;

namespace Marketplace.Tests.Demands;

public class DemandListTests
{
    private DemandsHost _host = null!;
    private Org _enterprise = null!;
    private Org _otherEnterprise = null!;
    private Org _integrator = null!;
    private Org _center = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new DemandsHost();
        await _host.StartAsync();
        _enterprise = await _host.CreateOrganizationAsync("enterprise");
        _otherEnterprise = await _host.CreateOrganizationAsync("enterprise");
        _integrator = await _host.CreateOrganizationAsync("integrator");
        _center = await _host.CreateOrganizationAsync("capability-center");
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    [Test]
    public async Task Create_answers_201_with_location_etag_and_the_items()
    {
        var response = await _enterprise.Client.PostAsJsonAsync("/api/v1/demand-lists", new
        {
            title = "  焊接改造  ",
            items = new[] { Item("车架焊接人工多，焊缝不均匀", "machinery", "machinery.welding", 500_000, 90), Item("仓库账实不符") },
        });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var list = await ReadJsonAsync(response);
        var id = list["id"]!.GetValue<string>();
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/api/v1/demand-lists/{id}"));
            Assert.That(response.Headers.ETag!.ToString(), Is.EqualTo("\"1\""));
            Assert.That(list["title"]!.GetValue<string>(), Is.EqualTo("焊接改造"));
            Assert.That(list["status"]!.GetValue<string>(), Is.EqualTo("open"));
            Assert.That(list["enterpriseId"]!.GetValue<string>(), Is.EqualTo(_enterprise.Id.ToString()));
            Assert.That(list["items"]!.AsArray(), Has.Count.EqualTo(2));
            Assert.That(list["items"]![0]!["subDirection"]!.GetValue<string>(), Is.EqualTo("machinery.welding"));
            Assert.That(list["items"]![0]!["budgetYuan"]!.GetValue<long>(), Is.EqualTo(500_000));
            Assert.That(list["items"]![0]!["withinDays"]!.GetValue<int>(), Is.EqualTo(90));
            Assert.That(list["items"]![1]!["direction"], Is.Null);
        });
    }

    [Test]
    public async Task A_sub_direction_alone_implies_its_direction()
    {
        var (list, _) = await CreateListAsync(_enterprise, Item("焊缝不均匀", subDirection: "machinery.welding"));

        Assert.That(list["items"]![0]!["direction"]!.GetValue<string>(), Is.EqualTo("machinery"));
    }

    private static IEnumerable<TestCaseData> InvalidBodies()
    {
        yield return new TestCaseData(new { items = Array.Empty<object>() }, "items").SetName("no items");
        yield return new TestCaseData(new { items = Enumerable.Range(0, 51).Select(n => Item($"需求{n}")).ToArray() }, "items").SetName("51 items");
        yield return new TestCaseData(new { title = new string('标', 201), items = new[] { Item("a") } }, "title").SetName("title too long");
        yield return new TestCaseData(new { items = new[] { Item("ok"), Item("  ") } }, "items[1].text").SetName("blank text");
        yield return new TestCaseData(new { items = new[] { Item(new string('字', 1001)) } }, "items[0].text").SetName("text over 1000");
        yield return new TestCaseData(new { items = new[] { Item("ok"), Item("ok"), Item("ok"), Item("ok", "no-such-direction") } }, "items[3].direction").SetName("unknown direction");
        yield return new TestCaseData(new { items = new[] { Item("ok", subDirection: "machinery.nope") } }, "items[0].subDirection").SetName("unknown sub-direction");
        yield return new TestCaseData(new { items = new[] { Item("ok", "electronics", "machinery.welding") } }, "items[0].subDirection").SetName("sub-direction of another direction");
        yield return new TestCaseData(new { items = new[] { Item("ok", budgetYuan: -1) } }, "items[0].budgetYuan").SetName("negative budget");
        yield return new TestCaseData(new { items = new[] { Item("ok", withinDays: 0) } }, "items[0].withinDays").SetName("zero days");
        yield return new TestCaseData(new { items = new[] { Item("ok", withinDays: 3651) } }, "items[0].withinDays").SetName("too many days");
        yield return new TestCaseData(new { items = new[] { Item("ok", id: Guid.NewGuid()) } }, "items[0].id").SetName("client-chosen item id");
        yield return new TestCaseData(new { items = new[] { Item("ok"), Item("！！？…") } }, "items[1].text").SetName("punctuation only");
        yield return new TestCaseData(new { items = new[] { Item("😀🔧⚙️") } }, "items[0].text").SetName("emoji only");
        yield return new TestCaseData(new { items = new[] { Item("焊缝宽窄不一"), Item("喷漆流挂"), Item(" 焊缝宽窄不一 ") } }, "items[2].text").SetName("the same item twice");
        yield return new TestCaseData(new { items = new[] { Item("ok", budgetYuan: 10_000_000_001) } }, "items[0].budgetYuan").SetName("budget over the limit");
    }

    [TestCaseSource(nameof(InvalidBodies))]
    public async Task Invalid_lists_are_400_with_the_field(object body, string field)
    {
        var response = await _enterprise.Client.PostAsJsonAsync("/api/v1/demand-lists", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task Missing_body_and_wrong_types_are_400()
    {
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync("/api/v1/demand-lists", new { }), HttpStatusCode.BadRequest, "items");
        await ProblemAssert.IsProblemAsync(
            await _enterprise.Client.PostAsync("/api/v1/demand-lists", new StringContent("""{"items":[{"text":"a","budgetYuan":"lots"}]}""", System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Roles_for_create()
    {
        var body = new { items = new[] { Item("焊接") } };
        await ProblemAssert.IsProblemAsync(await _host.Client().PostAsJsonAsync("/api/v1/demand-lists", body), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsJsonAsync("/api/v1/demand-lists", body), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _center.Client.PostAsJsonAsync("/api/v1/demand-lists", body), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/demand-lists", body), HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Roles_for_read()
    {
        var (list, _) = await CreateListAsync(_enterprise, Item("焊接"));
        var url = $"/api/v1/demand-lists/{list["id"]}";

        await ProblemAssert.IsProblemAsync(await _host.Client().GetAsync(url), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _otherEnterprise.Client.GetAsync(url), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.GetAsync(url), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.GetAsync($"/api/v1/demand-lists/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        foreach (var reader in new[] { _enterprise.Client, _center.Client, _host.Operator() })
        {
            var response = await reader.GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.ETag!.ToString(), Is.EqualTo("\"1\""));
        }
    }

    [Test]
    public async Task Roles_for_matches()
    {
        var (list, _) = await CreateListAsync(_enterprise, Item("焊接"));
        var url = $"/api/v1/demand-lists/{list["id"]}/matches";

        await ProblemAssert.IsProblemAsync(await _host.Client().GetAsync(url), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _otherEnterprise.Client.GetAsync(url), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.GetAsync(url), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.GetAsync(url + "?topK=0"), HttpStatusCode.BadRequest, "topK");
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.GetAsync(url + "?topK=51"), HttpStatusCode.BadRequest, "topK");
        foreach (var reader in new[] { _enterprise.Client, _center.Client, _host.Operator() })
        {
            Assert.That((await reader.GetAsync(url)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task Update_keeps_ids_sent_back_adds_new_and_removes_the_rest()
    {
        var (list, etag) = await CreateListAsync(_enterprise, Item("第一项 焊接"), Item("第二项 喷涂"), Item("第三项 仓库"));
        var id = list["id"]!.GetValue<string>();
        var first = Guid.Parse(list["items"]![0]!["id"]!.GetValue<string>());
        var third = Guid.Parse(list["items"]![2]!["id"]!.GetValue<string>());
        var url = $"/api/v1/demand-lists/{id}";

        var response = await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, etag, new
        {
            title = "改过的",
            items = new[] { Item("第三项 仓库 改", id: third, withinDays: 30), Item("新的一项"), Item("第一项 焊接", id: first) },
        }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var updated = await ReadJsonAsync(response);
        var items = updated["items"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.ETag!.ToString(), Is.EqualTo("\"2\""));
            Assert.That(updated["title"]!.GetValue<string>(), Is.EqualTo("改过的"));
            Assert.That(items.Select(i => i!["text"]!.GetValue<string>()), Is.EqualTo(new[] { "第三项 仓库 改", "新的一项", "第一项 焊接" }));
            Assert.That(items[0]!["id"]!.GetValue<string>(), Is.EqualTo(third.ToString()));
            Assert.That(items[0]!["withinDays"]!.GetValue<int>(), Is.EqualTo(30));
            Assert.That(items[2]!["id"]!.GetValue<string>(), Is.EqualTo(first.ToString()));
            Assert.That(items[1]!["id"]!.GetValue<string>(), Is.Not.EqualTo(first.ToString()).And.Not.EqualTo(third.ToString()));
        });
        var matches = await GetJsonAsync(_enterprise.Client, url + "/matches");
        Assert.That(matches["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>()), Is.EqualTo(items.Select(i => i!["id"]!.GetValue<string>())));
    }

    [Test]
    public async Task Update_matches_only_the_items_that_changed()
    {
        var (list, etag) = await CreateListAsync(_enterprise, Item("焊缝不均匀 想上焊接机器人"), Item("仓库账实不符"), Item("喷涂流挂", budgetYuan: 300_000));
        var url = $"/api/v1/demand-lists/{list["id"]}";
        var ids = list["items"]!.AsArray().Select(i => Guid.Parse(i!["id"]!.GetValue<string>())).ToArray();
        async Task<Dictionary<Guid, string>> RunsAsync() => (await GetJsonAsync(_enterprise.Client, url + "/matches"))["items"]!.AsArray()
            .ToDictionary(i => Guid.Parse(i!["itemId"]!.GetValue<string>()), i => i!["runId"]!.GetValue<string>());
        var first = await RunsAsync();

        // Reordered, the title changed, one text and one budget changed, one item unchanged.
        var response = await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, etag, new
        {
            title = "改过的",
            items = new[] { Item("喷涂流挂", budgetYuan: 500_000, id: ids[2]), Item("焊缝不均匀 想上焊接机器人", id: ids[0]), Item("仓库账实不符 想扫码", id: ids[1]) },
        }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var second = await RunsAsync();
        Assert.Multiple(() =>
        {
            Assert.That(second[ids[0]], Is.EqualTo(first[ids[0]]), "unchanged: keeps its run");
            Assert.That(second[ids[1]], Is.Not.EqualTo(first[ids[1]]), "text changed");
            Assert.That(second[ids[2]], Is.Not.EqualTo(first[ids[2]]), "budget changed");
            Assert.That(second[ids[2]], Is.EqualTo(second[ids[1]]), "one run for the changed items");
        });

        // A title-only edit stores no run.
        var again = await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, response.Headers.ETag!.ToString(), new
        {
            title = "只改标题",
            items = new[] { Item("喷涂流挂", budgetYuan: 500_000, id: ids[2]), Item("焊缝不均匀 想上焊接机器人", id: ids[0]), Item("仓库账实不符 想扫码", id: ids[1]) },
        }));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), await again.Content.ReadAsStringAsync());
        Assert.That(await RunsAsync(), Is.EqualTo(second));
    }

    [Test]
    public async Task Update_needs_a_current_if_match_and_the_owner()
    {
        var (list, etag) = await CreateListAsync(_enterprise, Item("焊接"));
        var url = $"/api/v1/demand-lists/{list["id"]}";
        var body = new { items = new[] { Item("焊接 改") } };

        await ProblemAssert.IsProblemAsync(await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, null, body)), HttpStatusCode.PreconditionRequired);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, "\"7\"", body)), HttpStatusCode.PreconditionFailed);
        await ProblemAssert.IsProblemAsync(await _otherEnterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, etag, body)), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, etag, body)), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.Client().SendAsync(WithIfMatch(HttpMethod.Put, url, etag, body)), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(
            await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, etag, new { items = new[] { Item("x", id: Guid.NewGuid()) } })),
            HttpStatusCode.BadRequest, "items[0].id");
        var ok = await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, etag, body));
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, etag, body)), HttpStatusCode.PreconditionFailed);
    }

    [Test]
    public async Task Close_is_owner_only_and_once()
    {
        var (list, etag) = await CreateListAsync(_enterprise, Item("焊接"));
        var url = $"/api/v1/demand-lists/{list["id"]}";

        await ProblemAssert.IsProblemAsync(await _host.Client().PostAsync(url + "/close", null), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _center.Client.PostAsync(url + "/close", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _otherEnterprise.Client.PostAsync(url + "/close", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Post, url + "/close", "\"9\"")), HttpStatusCode.PreconditionFailed);

        var closed = await _enterprise.Client.PostAsync(url + "/close", null);
        Assert.That(closed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = await ReadJsonAsync(closed);
        Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo("closed"));
        Assert.That(json["closedAt"], Is.Not.Null);

        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsync(url + "/close", null), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(
            await _enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, closed.Headers.ETag!.ToString(), new { items = new[] { Item("x") } })),
            HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Listing_is_scoped_by_role_and_paged()
    {
        var lister = await _host.CreateOrganizationAsync("enterprise");
        for (var n = 0; n < 3; n++)
        {
            await CreateListAsync(lister, Item($"需求 {n}"), Item("另一项"));
        }

        var own = await GetJsonAsync(lister.Client, "/api/v1/demand-lists?pageSize=2");
        Assert.Multiple(() =>
        {
            Assert.That(own["total"]!.GetValue<long>(), Is.EqualTo(3));
            Assert.That(own["items"]!.AsArray(), Has.Count.EqualTo(2));
            Assert.That(own["items"]!.AsArray().All(i => i!["enterpriseId"]!.GetValue<string>() == lister.Id.ToString()), Is.True);
            Assert.That(own["items"]![0]!["itemCount"]!.GetValue<int>(), Is.EqualTo(2));
        });
        var all = await GetJsonAsync(_center.Client, "/api/v1/demand-lists?pageSize=100");
        Assert.That(all["total"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(3));
        Assert.That((await _host.Operator().GetAsync("/api/v1/demand-lists")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(await _integrator.Client.GetAsync("/api/v1/demand-lists"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.Client().GetAsync("/api/v1/demand-lists"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await lister.Client.GetAsync("/api/v1/demand-lists?pageSize=101"), HttpStatusCode.BadRequest, "pageSize");
    }
}
