using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using Marketplace.Tests.Indexing;

namespace Marketplace.Tests.SearchApi;

/// <summary>GET /api/v1/offerings/search on the embedded default (SQLite + Lucene) with the indexer at its default settings.</summary>
public class SearchApiTests
{
    private MarketplaceApp _app = null!;
    private MarketplaceApp.Org _integrator = null!;
    private Guid _welding;
    private Guid _mes;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = new MarketplaceApp();
        _integrator = await _app.CreateOrganizationAsync("integrator", name: "重庆搜索测试科技有限公司", discloseName: true);
        _welding = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(title: "车架弧焊机器人工作站", districts: ["璧山区"]));
        _mes = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(
            title: "电子组装制造执行系统", direction: "electronics", subDirections: ["electronics.assembly"], type: "tool", deployment: "saas",
            summary: "轻量 MES，工单报工与追溯", description: "覆盖工单下发、扫码报工、工序防错和成品追溯，支持与 ERP 对接。",
            keywords: ["MES", "报工"], priceMin: 80_000, priceMax: 300_000, days: 30));
        await SearchTestHost.EventuallyAsync(async () => (await SearchAsync(""))["total"]!.GetValue<long>() >= 2, TimeSpan.FromSeconds(10), "set-up offerings indexed");
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _app.Dispose();
        MarketplaceApp.DeleteDirectory(_app.DataDirectory);
    }

    private Task<JsonObject> SearchAsync(string query) => SearchOnAsync(_app, query);

    [Test]
    public async Task An_approved_offering_is_found_by_a_Chinese_query_and_by_its_direction_within_2_seconds()
    {
        var id = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(
            title: "水泥窑脱硝超低排放改造", direction: "building-materials", subDirections: ["building-materials.cement-denox"],
            summary: "SCR 脱硝与精准喷氨", description: "水泥窑氮氧化物深度减排，精准喷氨降低氨逃逸。", keywords: ["脱硝", "氨逃逸"]));
        var approvedAt = Stopwatch.StartNew();
        var byText = await SearchTestHost.EventuallyAsync(async () => SearchTestHost.Ids(await SearchAsync("?q=水泥窑脱硝")).Contains(id),
            TimeSpan.FromSeconds(2), "found by 水泥窑脱硝");
        Assert.That(SearchTestHost.Ids(await SearchAsync("?direction=building-materials")), Does.Contain(id));
        Assert.That(SearchTestHost.Ids(await SearchAsync("?direction=food&direction=building-materials")), Does.Contain(id), "directions are ORed");
        Assert.That(SearchTestHost.Ids(await SearchAsync("?direction=food")), Does.Not.Contain(id));
        Assert.That(approvedAt.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), $"searchable after {byText.TotalMilliseconds:0} ms");
    }

    [Test]
    public async Task A_retired_offering_leaves_the_results()
    {
        var id = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(title: "即将下架的铸造除尘方案"));
        await SearchTestHost.EventuallyAsync(async () => SearchTestHost.Ids(await SearchAsync("?q=铸造除尘")).Contains(id), TimeSpan.FromSeconds(5), "indexed");
        var retired = await _app.Operator().PostAsync($"/api/v1/offerings/{id}/retire", null);
        Assert.That(retired.StatusCode, Is.EqualTo(HttpStatusCode.OK), await retired.Content.ReadAsStringAsync());
        await SearchTestHost.EventuallyAsync(async () => !SearchTestHost.Ids(await SearchAsync("?q=铸造除尘")).Contains(id), TimeSpan.FromSeconds(5), "gone after retire");
    }

    [Test]
    public async Task The_answer_carries_items_paging_and_facets()
    {
        var result = await SearchAsync("?q=MES");
        Assert.That(result["page"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(result["pageSize"]!.GetValue<int>(), Is.EqualTo(20));
        var item = result["items"]!.AsArray().Select(i => i!.AsObject()).Single(i => i["id"]!.GetValue<string>() == _mes.ToString());
        Assert.That(item["title"]!.GetValue<string>(), Is.EqualTo("电子组装制造执行系统"));
        Assert.That(item["supplier"]!.GetValue<string>(), Is.EqualTo("重庆搜索测试科技有限公司"));
        Assert.That(item["directions"]!.AsArray().Select(d => d!.GetValue<string>()), Does.Contain("electronics"));
        Assert.That(item["type"]!.GetValue<string>(), Is.EqualTo("tool"));
        Assert.That(item["priceMinYuan"]!.GetValue<long>(), Is.EqualTo(80_000));
        Assert.That(item["score"]!.GetValue<double>(), Is.GreaterThan(0));
        Assert.That(item["highlights"], Is.Not.Null);

        var all = await SearchAsync("");
        var facets = all["facets"]!.AsObject();
        Assert.That(facets.Select(f => f.Key), Is.SupersetOf(new[] { "direction", "subDirection", "type", "deployment", "district" }));
        var directions = facets["direction"]!.AsArray().ToDictionary(f => f!["value"]!.GetValue<string>(), f => f!["count"]!.GetValue<long>());
        Assert.That(directions["machinery"], Is.GreaterThanOrEqualTo(1));
        Assert.That(directions["electronics"], Is.GreaterThanOrEqualTo(1));

        var filtered = await SearchAsync("?direction=electronics");
        var filteredDirections = filtered["facets"]!["direction"]!.AsArray().Select(f => f!["value"]!.GetValue<string>());
        Assert.That(filteredDirections, Does.Contain("machinery"), "a facet's counts ignore its own filter");
    }

    [TestCase("的")]
    [TestCase("我们想要")]
    [TestCase("？？！")]
    public async Task A_query_with_no_word_to_search_by_lists_every_offering_and_says_so(string q)
    {
        var all = await SearchAsync("");
        var result = await SearchAsync("?q=" + Uri.EscapeDataString(q));
        Assert.Multiple(() =>
        {
            Assert.That(result["total"]!.GetValue<long>(), Is.EqualTo(all["total"]!.GetValue<long>()));
            Assert.That(result["understanding"]!.GetValue<string>(), Is.EqualTo($"「{q}」中没有可检索的词语（只有常用虚词或符号），列出的是全部方案"));
            Assert.That(result["understoodItems"]!.AsArray(), Is.Empty);
        });
    }

    [Test]
    public async Task A_sentence_in_the_owners_words_is_read_as_a_need_and_finds_the_offerings_of_that_function()
    {
        var id = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(
            title: "轻量 WMS 仓储管理", direction: "general", subDirections: ["general.smart-warehouse"], type: "tool", deployment: "saas",
            summary: "货位、批次与先进先出", description: "手持终端作业，按单拣选，实时库存，支持按月订阅。", keywords: ["WMS"]));
        await SearchTestHost.EventuallyAsync(async () => SearchTestHost.Ids(await SearchAsync("?q=WMS")).Contains(id), TimeSpan.FromSeconds(5), "indexed");

        // The sentence shares no word with the offering, nor a problem phrase of the thesaurus (its words alone find nothing):
        // the function it describes finds it.
        var result = await SearchAsync("?q=" + Uri.EscapeDataString("我们想要个立体的库，现在的仓库太挤了"));
        Assert.Multiple(() =>
        {
            Assert.That(SearchTestHost.Ids(result), Does.Contain(id));
            Assert.That(result["understanding"]!.GetValue<string>(), Does.StartWith("理解为：智能立体仓库（").And.Not.Contains("行业"),
                "no industry is named: the query states none");
            Assert.That(result["understoodItems"]!.AsArray()[0]!["subDirection"]!.GetValue<string>(), Is.EqualTo("general.smart-warehouse"));
        });

        var limited = await SearchAsync("?q=" + Uri.EscapeDataString("想要个立体仓库，钱最多五十万，两个月内用起来"));
        Assert.That(limited["understanding"]!.GetValue<string>(),
            Does.Contain("文中预算50万元以内（只看报价在预算内的方案：maxPriceYuan=500000）").And.Contain("文中工期60天内（只看能按期完成的方案：maxDays=60）"));
        Assert.That(SearchTestHost.Ids(limited), Does.Contain(id), "named, not applied");
        var filtered = await SearchAsync("?maxPriceYuan=500000&q=" + Uri.EscapeDataString("想要个立体仓库，钱最多五十万"));
        Assert.That(filtered["understanding"]!.GetValue<string>(), Does.Not.Contain("文中预算"), "the filter given, nothing to suggest");

        var vague = await SearchAsync("?q=" + Uri.EscapeDataString("老板想搞数字化转型"));
        Assert.That(vague["understanding"]!.GetValue<string>(), Does.StartWith("未能从描述中确定所需功能（数字化转型"));
        Assert.That(vague["understoodItems"]!.AsArray(), Is.Empty);
        var blank = await SearchAsync("");
        Assert.That(blank["understanding"], Is.Null);
        Assert.That(blank["understoodItems"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task With_ReadSentences_off_a_sentence_is_searched_by_its_words_and_its_reading_only_shown()
    {
        using var app = new MarketplaceApp(settings: new Dictionary<string, string?> { ["Marketplace:Search:ReadSentences"] = "false" });
        try
        {
            var integrator = await app.CreateOrganizationAsync("integrator");
            var id = await app.PublishOfferingAsync(integrator, MarketplaceApp.OfferingBody(
                title: "轻量 WMS 仓储管理", direction: "general", subDirections: ["general.smart-warehouse"], type: "tool", deployment: "saas",
                summary: "货位、批次与先进先出", description: "手持终端作业，按单拣选，实时库存，支持按月订阅。", keywords: ["WMS"]));
            await SearchTestHost.EventuallyAsync(async () => SearchTestHost.Ids(await SearchOnAsync(app, "?q=WMS")).Contains(id), TimeSpan.FromSeconds(5), "indexed");

            var result = await SearchOnAsync(app, "?q=" + Uri.EscapeDataString("我们想要个立体的库，现在的仓库太挤了"));

            Assert.That(SearchTestHost.Ids(result), Does.Not.Contain(id));
            Assert.That(result["understanding"]!.GetValue<string>(), Does.StartWith("理解为：智能立体仓库（"));
        }
        finally
        {
            MarketplaceApp.DeleteDirectory(app.DataDirectory);
        }
    }

    private static async Task<JsonObject> SearchOnAsync(MarketplaceApp app, string query)
    {
        var response = await app.Client().GetAsync("/api/v1/offerings/search" + query);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await MarketplaceApp.ReadJsonAsync(response);
    }

    [Test]
    public async Task Filters_narrow_the_results()
    {
        Assert.That(SearchTestHost.Ids(await SearchAsync("?type=tool")), Does.Contain(_mes).And.Not.Contain(_welding));
        Assert.That(SearchTestHost.Ids(await SearchAsync("?deployment=saas")), Does.Contain(_mes).And.Not.Contain(_welding));
        Assert.That(SearchTestHost.Ids(await SearchAsync("?maxPriceYuan=100000")), Does.Contain(_mes).And.Not.Contain(_welding));
        Assert.That(SearchTestHost.Ids(await SearchAsync("?maxDays=40")), Does.Contain(_mes).And.Not.Contain(_welding));
        Assert.That(SearchTestHost.Ids(await SearchAsync("?district=璧山区")), Does.Contain(_welding));
        Assert.That(SearchTestHost.Ids(await SearchAsync("?subDirection=machinery.welding")), Does.Contain(_welding).And.Not.Contain(_mes));
        Assert.That(SearchTestHost.Ids(await SearchAsync("?sort=price")), Is.Not.Empty);
    }

    [Test]
    public async Task Cursor_paging_reaches_the_next_page()
    {
        var first = await SearchAsync("?pageSize=1&sort=newest");
        var cursor = first["nextCursor"]?.GetValue<string>();
        Assert.That(cursor, Is.Not.Null.And.Not.Empty);
        var second = await SearchAsync("?pageSize=1&sort=newest&cursor=" + Uri.EscapeDataString(cursor!));
        Assert.That(SearchTestHost.Ids(second), Has.Count.EqualTo(1));
        Assert.That(SearchTestHost.Ids(second), Is.Not.EqualTo(SearchTestHost.Ids(first)));
        Assert.That(second["page"]!.GetValue<int>(), Is.EqualTo(2), "numbered by where it starts, as page=2 would be");
        Assert.That(SearchTestHost.Ids(second), Is.EqualTo(SearchTestHost.Ids(await SearchAsync("?pageSize=1&sort=newest&page=2"))));
    }

    [TestCase("direction=nonsense", "direction")]
    [TestCase("direction=machinery&direction=nonsense", "direction")]
    [TestCase("subDirection=machinery.nope", "subDirection")]
    [TestCase("type=service", "type")]
    [TestCase("deployment=cloud", "deployment")]
    [TestCase("district=上海市", "district")]
    [TestCase("sort=cheapest", "sort")]
    [TestCase("pageSize=101", "pageSize")]
    [TestCase("pageSize=0", "pageSize")]
    [TestCase("page=0", "page")]
    [TestCase("page=1000&pageSize=100", "page")]
    [TestCase("maxPriceYuan=-1", "maxPriceYuan")]
    [TestCase("maxDays=0", "maxDays")]
    [TestCase("maxDays=abc", "maxDays")]
    [TestCase("pageSize=abc", "pageSize")]
    [TestCase("page=2&cursor=abc", "page")]
    [TestCase("page=1&cursor=abc", "cursor")]
    [TestCase("q=%E7%84%8A%E6%8E%A5&q=%E6%9C%BA%E5%99%A8%E4%BA%BA", "q")]
    [TestCase("sort=newest&sort=price", "sort")]
    [TestCase("q=%E7%84%8A%E6%8E%A5%EF%BF%BD", "q")]
    public async Task Invalid_parameters_answer_400_with_the_field(string query, string field)
    {
        var response = await _app.Client().GetAsync("/api/v1/offerings/search?" + query);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task A_non_numeric_number_or_a_bad_cursor_is_a_400()
    {
        Assert.That((await _app.Client().GetAsync("/api/v1/offerings/search?maxDays=abc")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await _app.Client().GetAsync("/api/v1/offerings/search?cursor=not-a-cursor")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_cursor_made_without_its_search_is_a_400()
    {
        var first = await SearchAsync("?pageSize=1&sort=newest");
        var payload = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(first["nextCursor"]!.GetValue<string>()))!.AsObject();
        Assert.That(payload.Remove("Q"), Is.True, "the cursor names its search");
        var bare = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString()));
        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync($"/api/v1/offerings/search?pageSize=1&sort=newest&cursor={bare}"),
            HttpStatusCode.BadRequest, "cursor");
    }

    [TestCase("P", 1099511627776L)]
    [TestCase("P", 0L)]
    [TestCase("T", -1L)]
    [TestCase("R", -1L)]
    [TestCase("G", -1L)]
    public async Task A_cursor_with_a_value_no_page_gives_is_a_400(string field, long value)
    {
        var first = await SearchAsync("?pageSize=1");
        var payload = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(first["nextCursor"]!.GetValue<string>()))!.AsObject();
        Assert.That(payload.ContainsKey(field), Is.True, payload.ToJsonString());
        payload[field] = value;
        var tampered = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString()));

        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync($"/api/v1/offerings/search?pageSize=1&cursor={tampered}"), HttpStatusCode.BadRequest, "cursor");
    }

    [Test]
    public async Task A_query_over_200_characters_is_a_400()
    {
        var response = await _app.Client().GetAsync("/api/v1/offerings/search?q=" + Uri.EscapeDataString(new string('焊', 2_000)));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "q");
        var atLimit = await _app.Client().GetAsync("/api/v1/offerings/search?q=" + Uri.EscapeDataString(new string('焊', 200)));
        Assert.That(atLimit.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Page_and_cursor_are_two_ways_of_paging_and_not_sent_together()
    {
        var first = await SearchAsync("?pageSize=1&sort=newest");
        var cursor = Uri.EscapeDataString(first["nextCursor"]!.GetValue<string>());

        var both = await _app.Client().GetAsync($"/api/v1/offerings/search?pageSize=1&sort=newest&page=2&cursor={cursor}");

        var problem = await ProblemAssert.IsProblemAsync(both, HttpStatusCode.BadRequest, "page");
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { "page", "cursor" }));
        Assert.That(SearchTestHost.Ids(await SearchAsync($"?pageSize=1&sort=newest&cursor={cursor}")), Has.Count.EqualTo(1), "the cursor alone pages on");
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\"")]
    [TestCase("焊接\"")]
    [TestCase("AND OR NOT")]
    [TestCase("*")]
    [TestCase("?")]
    [TestCase("焊接*")]
    [TestCase("title:(弧焊")]
    [TestCase("[1 TO 2]")]
    [TestCase("{}")]
    [TestCase("弧焊~2")]
    [TestCase("弧焊^10")]
    [TestCase("/.*/")]
    [TestCase("&& || !")]
    [TestCase("\\")]
    [TestCase("+-=<>()")]
    [TestCase("MES && (AGV || PLC)")]
    [TestCase("😀🔥")]
    [TestCase("'; DROP TABLE offerings; --")]
    public async Task Syntax_characters_and_empty_queries_never_cause_a_500(string q)
    {
        var response = await _app.Client().GetAsync("/api/v1/offerings/search?q=" + Uri.EscapeDataString(q));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK).Or.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.That((await MarketplaceApp.ReadJsonAsync(response))["items"], Is.Not.Null);
        }
    }

    [Test]
    public async Task An_empty_query_lists_every_live_offering()
    {
        var result = await SearchAsync("?q=");
        Assert.That(SearchTestHost.Ids(result), Is.SupersetOf(new[] { _welding, _mes }));
    }

    [Test]
    public async Task The_search_route_does_not_shadow_reading_an_offering()
    {
        var response = await _app.Client().GetAsync($"/api/v1/offerings/{_mes}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await MarketplaceApp.ReadJsonAsync(response))["id"]!.GetValue<string>(), Is.EqualTo(_mes.ToString()));
    }
}
