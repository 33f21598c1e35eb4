using Marketplace.Core.Searching;

namespace Marketplace.Tests.Search;

/// <summary>
/// One behavioural suite that every search engine must pass. Engines derive a fixture that
/// creates a fresh, empty index per test.
/// </summary>
public abstract class OfferingIndexConformance
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A new, empty, created index for one test.</summary>
    protected abstract Task<IOfferingIndex> CreateIndexAsync();

    /// <summary>Makes recent writes visible to search (refresh), where the engine needs it.</summary>
    protected virtual Task RefreshAsync(IOfferingIndex index) => Task.CompletedTask;

    protected static OfferingDocument Doc(string title, string direction = "general", long version = 1, bool live = true) => new()
    {
        Id = Guid.NewGuid(),
        Version = version,
        Live = live,
        RevisionId = Guid.NewGuid(),
        Title = title,
        Summary = title,
        Directions = [direction],
        Type = "tool",
        Deployment = "saas",
        Districts = ["全市"],
        PriceMinYuan = 10_000,
        PriceMaxYuan = 20_000,
        ImplementationDays = 30,
        PublishedAt = DateTimeOffset.UtcNow,
    };

    private async Task<IOfferingIndex> IndexWithAsync(params OfferingDocument[] documents)
    {
        var index = await CreateIndexAsync();
        await index.WriteAsync(documents, None);
        await RefreshAsync(index);
        return index;
    }

    private async Task WriteAsync(IOfferingIndex index, params OfferingDocument[] documents)
    {
        await index.WriteAsync(documents, None);
        await RefreshAsync(index);
    }

    private static async Task<Guid[]> IdsAsync(IOfferingIndex index, OfferingSearchRequest request) =>
        (await index.SearchAsync(request, None)).Hits.Select(h => h.Id).ToArray();

    private static long CountOf(OfferingSearchResult result, string facet, string value) =>
        result.Facets[facet].SingleOrDefault(f => f.Value == value)?.Count ?? 0;

    [Test]
    public async Task Paging_outside_what_every_engine_serves_is_refused_alike()
    {
        var index = await IndexWithAsync(Doc("弧焊机器人工作站"));
        foreach (var (request, field) in new[]
                 {
                     (new OfferingSearchRequest { Limit = OfferingSearchRequest.MaxLimit + 1 }, "limit"),
                     (new OfferingSearchRequest { Offset = -1 }, "offset"),
                     (new OfferingSearchRequest { Offset = OfferingSearchRequest.MaxOffsetWindow, Limit = 1 }, "offset"),
                 })
        {
            var refused = Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(request, None));
            Assert.That(refused!.Field, Is.EqualTo(field));
        }
        Assert.That(await IdsAsync(index, new OfferingSearchRequest { Limit = OfferingSearchRequest.MaxLimit }), Has.Length.EqualTo(1));
    }

    /// <summary>The indexer's observers (re-matching open demands) search as soon as a write returns: it must be visible then.</summary>
    [Test]
    public async Task A_write_is_searchable_when_it_returns()
    {
        var index = await CreateIndexAsync();
        var doc = Doc("注塑机联网看板");
        await index.WriteAsync([doc], CancellationToken.None);

        var result = await index.SearchAsync(new OfferingSearchRequest { Text = "注塑机联网" }, CancellationToken.None);

        Assert.That(result.Hits.Select(h => h.Id), Does.Contain(doc.Id), "no refresh between the write and the search");
    }

    // ---- text ----

    [Test]
    public async Task Finds_a_written_document_by_a_chinese_query()
    {
        var index = await CreateIndexAsync();
        var doc = Doc("弧焊机器人工作站");
        await index.WriteAsync([doc], CancellationToken.None);
        await RefreshAsync(index);

        var result = await index.SearchAsync(new OfferingSearchRequest { Text = "弧焊机器人" }, CancellationToken.None);

        Assert.That(result.Hits.Select(h => h.Id), Does.Contain(doc.Id));
    }

    [Test]
    public async Task Finds_a_domain_term_inside_a_differently_segmented_text()
    {
        var welding = Doc("焊接机器人柔性生产线改造");
        var other = Doc("企业财务共享云平台");
        var index = await IndexWithAsync(welding, other);

        Assert.That(await IdsAsync(index, new() { Text = "机器人" }), Is.EqualTo(new[] { welding.Id }));
        Assert.That(await IdsAsync(index, new() { Text = "生产线" }), Is.EqualTo(new[] { welding.Id }));
    }

    /// <summary>One character typed alone (泵、阀、焊) finds the offerings that write it inside a word, wherever it stands in it.</summary>
    [Test]
    public async Task One_character_alone_finds_the_offerings_writing_it_inside_words()
    {
        var station = Doc("六轴弧焊机器人工作站");
        var seam = Doc("焊缝视觉跟踪系统");
        var pump = Doc("水泵远程监控");
        var other = Doc("注塑机联网看板");
        var index = await IndexWithAsync(station, seam, pump, other);
        for (var i = 0; i < 3; i++)
        {
            await IdsAsync(index, new() { Text = "焊 看板" }); // the character's own clause, searched (and cached) as it is
        }

        Assert.That(await IdsAsync(index, new() { Text = "焊" }), Is.EquivalentTo(new[] { station.Id, seam.Id }));
        Assert.That(await IdsAsync(index, new() { Text = " 泵 " }), Is.EqualTo(new[] { pump.Id }));
        Assert.That(await IdsAsync(index, new() { Text = "锅" }), Is.Empty);
    }

    /// <summary>An owner names the kind of plant (服装厂), offerings the trade (服装): jieba keeps the query's word whole.</summary>
    [Test]
    public async Task A_plant_word_finds_offerings_naming_only_its_trade_below_those_naming_it_whole()
    {
        var trade = Doc("服装智能生产管理与吊挂系统");
        var whole = Doc("服装厂数字化车间整体方案");
        var other = Doc("企业财务共享云平台");
        var index = await IndexWithAsync(trade, whole, other);

        Assert.That(await IdsAsync(index, new() { Text = "服装厂" }), Is.EqualTo(new[] { whole.Id, trade.Id }));
    }

    /// <summary>An owner spaces a term's parts (焊接 机器人): the term they make together is searched too.</summary>
    [Test]
    public async Task Words_split_by_a_space_are_searched_as_the_term_they_make_together()
    {
        var welding = Doc("弧焊机器人工作站") with { Keywords = ["焊接机器人", "弧焊"] };
        var polishing = Doc("卫浴五金机器人自动化抛光单元") with { Description = "焊接件的打磨抛光，机器人换型快。" };
        var index = await IndexWithAsync(welding, polishing);

        Assert.That((await IdsAsync(index, new() { Text = "焊接 机器人" }))[0], Is.EqualTo(welding.Id));
    }

    [TestCase("MES")]
    [TestCase("mes")]
    [TestCase("ＭＥＳ")]
    [TestCase("MES系统")]
    public async Task Acronyms_match_whatever_their_case_or_width(string text)
    {
        var mes = Doc("离散制造MES系统") with { Summary = "轻量级MES，适合中小企业" };
        var agv = Doc("AGV智能仓储方案");
        var index = await IndexWithAsync(mes, agv);

        Assert.That(await IdsAsync(index, new() { Text = text }), Is.EqualTo(new[] { mes.Id }));
        Assert.That(await IdsAsync(index, new() { Text = "agv" }), Is.EqualTo(new[] { agv.Id }));
    }

    [Test]
    public async Task Thesaurus_expansion_finds_the_other_wording_both_ways()
    {
        var acronym = Doc("MES实施服务");
        var chinese = Doc("制造执行系统实施服务", direction: "machinery");
        var unrelated = Doc("企业财务共享云平台");
        var index = await IndexWithAsync(acronym, chinese, unrelated);

        var byAcronym = await index.SearchAsync(new() { Text = "MES" }, None);
        var byChinese = await index.SearchAsync(new() { Text = "制造执行系统" }, None);

        Assert.That(byAcronym.Hits.Select(h => h.Id), Is.EquivalentTo(new[] { acronym.Id, chinese.Id }));
        Assert.That(byAcronym.Hits[0].Id, Is.EqualTo(acronym.Id), "the user's own wording ranks first");
        Assert.That(byChinese.Hits.Select(h => h.Id), Is.EquivalentTo(new[] { acronym.Id, chinese.Id }));
        Assert.That(byChinese.Hits[0].Id, Is.EqualTo(chinese.Id));
        Assert.That(byAcronym.Hits.Single(h => h.Id == chinese.Id).MatchedTerms, Does.Contain("制造执行系统"));
    }

    [Test]
    public async Task A_title_match_ranks_above_a_description_match()
    {
        var inDescription = Doc("企业数字化咨询") with { Summary = "咨询服务", Description = "包括数字孪生工厂建模" };
        var inTitle = Doc("数字孪生工厂建模平台");
        var index = await IndexWithAsync(inDescription, inTitle);

        Assert.That(await IdsAsync(index, new() { Text = "数字孪生" }), Is.EqualTo(new[] { inTitle.Id, inDescription.Id }));
    }

    [Test]
    public async Task Boost_terms_are_ored_with_the_text_and_raise_their_matches()
    {
        var plain = Doc("设备管理系统");
        var boosted = Doc("设备管理系统 焊接车间版");
        var onlyBoost = Doc("焊接质量检测");
        var index = await IndexWithAsync(plain, boosted, onlyBoost);

        var result = await index.SearchAsync(new() { Text = "设备管理", BoostTerms = [new WeightedTerm("焊接", 2f)] }, None);

        Assert.That(result.Hits[0].Id, Is.EqualTo(boosted.Id));
        Assert.That(result.Hits.Select(h => h.Id), Is.EquivalentTo(new[] { plain.Id, boosted.Id, onlyBoost.Id }));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("的")]
    public async Task Blank_text_matches_every_live_offering(string? text)
    {
        var index = await IndexWithAsync(Doc("数控车床"), Doc("喷涂机器人"), Doc("已下架", version: 2, live: false));

        var result = await index.SearchAsync(new() { Text = text }, None);

        Assert.That(result.Total, Is.EqualTo(2));
        Assert.That(result.Hits, Has.Count.EqualTo(2));
    }

    [TestCase("+ - && || ! ( ) { } [ ] ^ \" ~ * ? : \\ /")]
    [TestCase("MES\" OR title:*")]
    [TestCase("(((((")]
    [TestCase("\"")]
    [TestCase("*:*")]
    [TestCase("AND OR NOT")]
    [TestCase("MES~2^10")]
    [TestCase("🤖机器人\u0000\t\n")]
    public async Task Query_syntax_characters_are_just_text(string text)
    {
        var doc = Doc("MES系统 机器人");
        var index = await IndexWithAsync(doc);

        var result = await index.SearchAsync(new() { Text = text }, None);

        Assert.That(result.Total, Is.LessThanOrEqualTo(1));
    }

    [Test]
    public async Task Syntax_characters_around_words_still_find_them()
    {
        var doc = Doc("MES系统");
        var index = await IndexWithAsync(doc, Doc("财务软件"));

        Assert.That(await IdsAsync(index, new() { Text = "(MES) && \"系统\"!" }), Is.EqualTo(new[] { doc.Id }));
    }

    [Test]
    public async Task A_very_long_text_gives_a_normal_answer()
    {
        var doc = Doc("数控车床智能化改造");
        var index = await IndexWithAsync(doc);
        var text = string.Concat(Enumerable.Repeat("数控车床改造需要提高加工效率、降低能耗，MES AGV 5G PLC。", 200))[..5_000];

        var result = await index.SearchAsync(new() { Text = text }, None);

        Assert.That(result.Hits.Select(h => h.Id), Is.EqualTo(new[] { doc.Id }));
    }

    [Test]
    public async Task Highlights_wrap_matched_terms_and_matched_terms_are_listed()
    {
        var doc = Doc("弧焊机器人工作站") with
        {
            Summary = "面向中小企业的弧焊机器人工作站，快速部署",
            Description = "提供焊接工艺包，支持<b>多品种</b>小批量生产。",
        };
        var index = await IndexWithAsync(doc);

        var hit = (await index.SearchAsync(new() { Text = "弧焊机器人 焊接工艺" }, None)).Hits.Single();

        Assert.That(hit.Highlights, Is.Not.Empty);
        Assert.That(hit.Highlights, Has.Some.Contains("<em>弧焊机器人</em>"));
        Assert.That(hit.Highlights, Has.All.Length.LessThanOrEqualTo(200));
        Assert.That(hit.Highlights, Has.None.Contains("<b>"));
        Assert.That(hit.MatchedTerms, Does.Contain("弧焊机器人"));
    }

    [Test]
    public async Task No_highlights_when_not_asked()
    {
        var index = await IndexWithAsync(Doc("弧焊机器人工作站"));

        var hit = (await index.SearchAsync(new() { Text = "弧焊机器人", Highlight = false }, None)).Hits.Single();

        Assert.That(hit.Highlights, Is.Empty);
    }

    // ---- versions and tombstones ----

    [Test]
    public async Task A_newer_version_replaces_the_document()
    {
        var v1 = Doc("旧标题数控车床");
        var index = await IndexWithAsync(v1);
        await WriteAsync(index, v1 with { Version = 2, Title = "新标题喷涂机器人", Summary = "新标题喷涂机器人" });

        Assert.That(await IdsAsync(index, new() { Text = "数控车床" }), Is.Empty);
        var hit = (await index.SearchAsync(new() { Text = "喷涂机器人" }, None)).Hits.Single();
        Assert.That(hit.Title, Is.EqualTo("新标题喷涂机器人"));
        Assert.That((await index.SearchAsync(new(), None)).Total, Is.EqualTo(1));
    }

    [Test]
    public async Task A_stale_write_after_a_newer_one_is_ignored()
    {
        var v1 = Doc("第一版数控车床");
        var v3 = v1 with { Version = 3, Title = "第三版喷涂机器人", Summary = "第三版喷涂机器人" };
        var index = await IndexWithAsync(v3);
        await WriteAsync(index, v1);
        await WriteAsync(index, v3 with { Title = "同版本重放", Summary = "同版本重放" });

        var hits = (await index.SearchAsync(new(), None)).Hits;

        Assert.That(hits.Select(h => h.Title), Is.EqualTo(new[] { "第三版喷涂机器人" }));
    }

    [Test]
    public async Task Within_one_batch_the_highest_version_wins()
    {
        var v2 = Doc("第二版");
        var index = await IndexWithAsync(v2 with { Version = 2 }, v2 with { Version = 1, Title = "第一版" });

        Assert.That((await index.SearchAsync(new(), None)).Hits.Select(h => h.Title), Is.EqualTo(new[] { "第二版" }));
    }

    [Test]
    public async Task A_tombstone_hides_the_offering_and_an_older_live_version_does_not_revive_it()
    {
        var live = Doc("数控车床", direction: "machinery");
        var other = Doc("喷涂机器人", direction: "machinery");
        var index = await IndexWithAsync(live, other);
        await WriteAsync(index, OfferingDocument.Tombstone(live.Id, 2));
        await WriteAsync(index, live); // version 1 arriving late

        var all = await index.SearchAsync(new(), None);
        Assert.That(all.Hits.Select(h => h.Id), Is.EqualTo(new[] { other.Id }));
        Assert.That(all.Total, Is.EqualTo(1));
        Assert.That(CountOf(all, FacetNames.Direction, "machinery"), Is.EqualTo(1));
        Assert.That(await IdsAsync(index, new() { Text = "数控车床" }), Is.Empty);
    }

    [Test]
    public async Task A_newer_live_version_after_a_tombstone_is_searchable_again()
    {
        var doc = Doc("数控车床");
        var index = await IndexWithAsync(OfferingDocument.Tombstone(doc.Id, 1));
        await WriteAsync(index, doc with { Version = 2 });

        Assert.That(await IdsAsync(index, new() { Text = "数控车床" }), Is.EqualTo(new[] { doc.Id }));
    }

    // ---- filters ----

    [Test]
    public async Task Directions_are_ored_and_other_filters_anded()
    {
        var machinery = Doc("机械方案", direction: "machinery");
        var electronics = Doc("电子方案", direction: "electronics");
        var food = Doc("食品方案", direction: "food");
        var electronicsOnPremise = Doc("电子本地方案", direction: "electronics") with { Deployment = "on-premise" };
        var index = await IndexWithAsync(machinery, electronics, food, electronicsOnPremise);

        Assert.That(await IdsAsync(index, new() { Directions = ["machinery", "electronics"] }),
            Is.EquivalentTo(new[] { machinery.Id, electronics.Id, electronicsOnPremise.Id }));
        Assert.That(await IdsAsync(index, new() { Directions = ["machinery", "electronics"], Deployment = "saas" }),
            Is.EquivalentTo(new[] { machinery.Id, electronics.Id }));
    }

    [Test]
    public async Task A_direction_filter_matches_offerings_listed_under_its_sub_directions()
    {
        var welding = Doc("焊接方案", direction: "machinery") with { SubDirections = ["machinery.welding"] };
        var painting = Doc("涂装方案", direction: "machinery") with { SubDirections = ["machinery.painting"] };
        var index = await IndexWithAsync(welding, painting, Doc("通用方案"));

        Assert.That(await IdsAsync(index, new() { Directions = ["machinery"] }), Is.EquivalentTo(new[] { welding.Id, painting.Id }));
        Assert.That(await IdsAsync(index, new() { SubDirections = ["machinery.welding"] }), Is.EqualTo(new[] { welding.Id }));
        Assert.That(await IdsAsync(index, new() { SubDirections = ["machinery.welding", "machinery.painting"] }),
            Is.EquivalentTo(new[] { welding.Id, painting.Id }));
    }

    [Test]
    public async Task Type_deployment_price_and_days_filters()
    {
        var cheapQuick = Doc("轻量工具") with { PriceMinYuan = 5_000, ImplementationDays = 7 };
        var dear = Doc("昂贵方案") with { Type = "solution", PriceMinYuan = 500_000, ImplementationDays = 180 };
        var privateCloud = Doc("私有化") with { Deployment = "private", PriceMinYuan = 50_000, ImplementationDays = 60 };
        var index = await IndexWithAsync(cheapQuick, dear, privateCloud);

        Assert.That(await IdsAsync(index, new() { Type = "solution" }), Is.EqualTo(new[] { dear.Id }));
        Assert.That(await IdsAsync(index, new() { Deployment = "private" }), Is.EqualTo(new[] { privateCloud.Id }));
        Assert.That(await IdsAsync(index, new() { MaxPriceYuan = 50_000 }), Is.EquivalentTo(new[] { cheapQuick.Id, privateCloud.Id }));
        Assert.That(await IdsAsync(index, new() { MaxDays = 7 }), Is.EqualTo(new[] { cheapQuick.Id }));
        Assert.That(await IdsAsync(index, new() { MaxDays = 60, MaxPriceYuan = 10_000 }), Is.EqualTo(new[] { cheapQuick.Id }));
    }

    [Test]
    public async Task A_district_filter_keeps_offerings_serving_it_or_the_whole_city()
    {
        var wholeCity = Doc("全市服务");
        var yubei = Doc("渝北服务") with { Districts = ["渝北区", "江北区"] };
        var wanzhou = Doc("万州服务") with { Districts = ["万州区"] };
        var index = await IndexWithAsync(wholeCity, yubei, wanzhou);

        Assert.That(await IdsAsync(index, new() { District = "渝北区" }), Is.EquivalentTo(new[] { wholeCity.Id, yubei.Id }));
        Assert.That(await IdsAsync(index, new() { District = "南岸区" }), Is.EqualTo(new[] { wholeCity.Id }));
    }

    [Test]
    public async Task Filters_apply_with_text()
    {
        var machinery = Doc("机器人方案", direction: "machinery");
        var food = Doc("机器人方案", direction: "food");
        var index = await IndexWithAsync(machinery, food, Doc("财务方案", direction: "machinery"));

        var result = await index.SearchAsync(new() { Text = "机器人", Directions = ["food"] }, None);

        Assert.That(result.Hits.Select(h => h.Id), Is.EqualTo(new[] { food.Id }));
        Assert.That(result.Total, Is.EqualTo(1));
    }

    // ---- facets ----

    [Test]
    public async Task Facets_count_live_matches_per_value()
    {
        var index = await IndexWithAsync(
            Doc("甲", direction: "machinery") with { SubDirections = ["machinery.welding"], Districts = ["渝北区", "江北区"] },
            Doc("乙", direction: "machinery") with { Type = "solution" },
            Doc("丙", direction: "food") with { Deployment = "private" },
            Doc("丁", direction: "food", version: 2, live: false));

        var result = await index.SearchAsync(new(), None);

        Assert.That(result.Facets.Keys, Is.EquivalentTo(FacetNames.All));
        Assert.That(result.Facets[FacetNames.Direction], Is.EqualTo(new[] { new FacetCount("machinery", 2), new FacetCount("food", 1) }));
        Assert.That(CountOf(result, FacetNames.SubDirection, "machinery.welding"), Is.EqualTo(1));
        Assert.That(CountOf(result, FacetNames.Type, "tool"), Is.EqualTo(2));
        Assert.That(CountOf(result, FacetNames.Type, "solution"), Is.EqualTo(1));
        Assert.That(CountOf(result, FacetNames.Deployment, "private"), Is.EqualTo(1));
        Assert.That(CountOf(result, FacetNames.District, "全市"), Is.EqualTo(2));
        Assert.That(CountOf(result, FacetNames.District, "渝北区"), Is.EqualTo(1));
        Assert.That(CountOf(result, FacetNames.District, "江北区"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_facet_counts_with_every_filter_but_its_own()
    {
        var index = await IndexWithAsync(
            Doc("甲", direction: "machinery"),
            Doc("乙", direction: "machinery") with { Type = "solution" },
            Doc("丙", direction: "food"),
            Doc("丁", direction: "electronics") with { Type = "solution" });

        var result = await index.SearchAsync(new() { Directions = ["machinery"], Type = "tool" }, None);

        Assert.That(result.Total, Is.EqualTo(1));
        // direction facet: type=tool applies, direction filter doesn't
        Assert.That(CountOf(result, FacetNames.Direction, "machinery"), Is.EqualTo(1));
        Assert.That(CountOf(result, FacetNames.Direction, "food"), Is.EqualTo(1));
        Assert.That(CountOf(result, FacetNames.Direction, "electronics"), Is.EqualTo(0));
        // type facet: direction=machinery applies, type filter doesn't
        Assert.That(CountOf(result, FacetNames.Type, "tool"), Is.EqualTo(1));
        Assert.That(CountOf(result, FacetNames.Type, "solution"), Is.EqualTo(1));
        // other facets: both filters apply
        Assert.That(CountOf(result, FacetNames.Deployment, "saas"), Is.EqualTo(1));
    }

    [Test]
    public async Task Facets_follow_the_text_query()
    {
        var index = await IndexWithAsync(Doc("机器人甲", direction: "machinery"), Doc("机器人乙", direction: "food"), Doc("财务", direction: "food"));

        var result = await index.SearchAsync(new() { Text = "机器人" }, None);

        Assert.That(CountOf(result, FacetNames.Direction, "food"), Is.EqualTo(1));
        Assert.That(CountOf(result, FacetNames.Direction, "machinery"), Is.EqualTo(1));
    }

    [Test]
    public async Task No_facets_when_not_asked()
    {
        var index = await IndexWithAsync(Doc("甲"));

        Assert.That((await index.SearchAsync(new() { IncludeFacets = false }, None)).Facets, Is.Empty);
    }

    // ---- sorting and paging ----

    [Test]
    public async Task Sorts_by_newest_and_by_price()
    {
        var now = DateTimeOffset.UtcNow;
        var a = Doc("甲") with { PublishedAt = now.AddDays(-3), PriceMinYuan = 300 };
        var b = Doc("乙") with { PublishedAt = now.AddDays(-1), PriceMinYuan = 100 };
        var c = Doc("丙") with { PublishedAt = now.AddDays(-2), PriceMinYuan = 200 };
        var index = await IndexWithAsync(a, b, c);

        Assert.That(await IdsAsync(index, new() { Sort = SearchSort.Newest }), Is.EqualTo(new[] { b.Id, c.Id, a.Id }));
        Assert.That(await IdsAsync(index, new() { Sort = SearchSort.PriceAsc }), Is.EqualTo(new[] { b.Id, c.Id, a.Id }));
        Assert.That(await IdsAsync(index, new() { Sort = SearchSort.PriceDesc }), Is.EqualTo(new[] { a.Id, c.Id, b.Id }));
    }

    [TestCase(SearchSort.Relevance)]
    [TestCase(SearchSort.PriceAsc)]
    [TestCase(SearchSort.Newest)]
    public async Task Ties_are_broken_by_id_not_by_insertion_order_or_supplier(SearchSort sort)
    {
        var publishedAt = DateTimeOffset.UtcNow;
        var docs = Enumerable.Range(0, 12)
            .Select(i => Doc("数控车床") with { SupplierName = $"供应商{i:D2}", PublishedAt = publishedAt })
            .ToArray();
        var forwards = await IndexWithAsync(docs);
        var backwards = await CreateIndexAsync();
        foreach (var doc in docs.Reverse())
        {
            await backwards.WriteAsync([doc], None);
        }
        await RefreshAsync(backwards);

        var request = new OfferingSearchRequest { Text = "数控车床", Sort = sort };
        var first = await IdsAsync(forwards, request);
        var second = await IdsAsync(backwards, request);

        Assert.That(first, Has.Length.EqualTo(12));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(first, Is.Not.EqualTo(docs.Select(d => d.Id)).And.Not.EqualTo(docs.Reverse().Select(d => d.Id)));
    }

    [Test]
    public async Task Offset_and_limit_page_through_results()
    {
        var index = await IndexWithAsync(Enumerable.Range(0, 10).Select(i => Doc($"方案{i}")).ToArray());
        var all = await IdsAsync(index, new() { Limit = 10 });

        var page = await index.SearchAsync(new() { Offset = 4, Limit = 3 }, None);

        Assert.That(page.Hits.Select(h => h.Id), Is.EqualTo(all.Skip(4).Take(3)));
        Assert.That(page.Total, Is.EqualTo(10));
    }

    [TestCase(SearchSort.Relevance)]
    [TestCase(SearchSort.Newest)]
    [TestCase(SearchSort.PriceAsc)]
    [TestCase(SearchSort.PriceDesc)]
    public async Task Cursor_paging_visits_every_hit_once(SearchSort sort)
    {
        var start = DateTimeOffset.UtcNow;
        var docs = Enumerable.Range(0, 23)
            .Select(i => Doc(i % 2 == 0 ? "数控车床改造" : "数控车床") with { PriceMinYuan = i % 5 * 1_000, PublishedAt = start.AddHours(-(i % 4)) })
            .ToArray();
        var index = await IndexWithAsync(docs);
        var expected = await IdsAsync(index, new() { Text = "数控车床", Sort = sort, Limit = 100 });

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await index.SearchAsync(new() { Text = "数控车床", Sort = sort, Limit = 5, Cursor = cursor }, None);
            Assert.That(page.Total, Is.EqualTo(23));
            seen.AddRange(page.Hits.Select(h => h.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.That(pages, Is.EqualTo(5));
        Assert.That(seen, Is.EqualTo(expected));
        Assert.That(seen, Is.Unique.And.Count.EqualTo(23));
    }

    [Test]
    public async Task The_last_page_has_no_cursor()
    {
        var index = await IndexWithAsync(Doc("甲"), Doc("乙"));

        Assert.That((await index.SearchAsync(new() { Limit = 2 }, None)).NextCursor, Is.Null);
        Assert.That((await index.SearchAsync(new() { Limit = 1 }, None)).NextCursor, Is.Not.Null);
    }

    [Test]
    public async Task A_caller_reading_one_page_only_gets_no_cursor()
    {
        var index = await IndexWithAsync(Doc("甲"), Doc("乙"));

        var page = await index.SearchAsync(new() { Limit = 1, WithNextCursor = false }, None);

        Assert.That(page.Hits, Has.Count.EqualTo(1));
        Assert.That(page.Total, Is.EqualTo(2));
        Assert.That(page.NextCursor, Is.Null);
    }

    [TestCase("not a cursor!")]
    [TestCase("eyJ9")]
    [TestCase("e30")]
    [TestCase("")]
    public async Task A_malformed_cursor_is_an_invalid_request(string cursor)
    {
        var index = await IndexWithAsync(Doc("甲"));

        var error = Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(new() { Cursor = cursor }, None));

        Assert.That(error!.Field, Is.EqualTo("cursor"));
    }

    [Test]
    public async Task A_cursor_continues_only_the_search_it_was_issued_for()
    {
        var index = await IndexWithAsync(Doc("甲"), Doc("乙"), Doc("丙"));
        var cursor = (await index.SearchAsync(new() { Limit = 1, Sort = SearchSort.Newest }, None)).NextCursor;

        var error = Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(new() { Cursor = cursor, Sort = SearchSort.Newest, Type = "tool" }, None));

        Assert.That(error!.Field, Is.EqualTo("cursor"));
        Assert.That(error.Message, Does.StartWith("cursor 来自另一组查询条件"));
        var next = await index.SearchAsync(new() { Cursor = cursor, Sort = SearchSort.Newest, Limit = 1, BoostTerms = [new("甲", 1)] }, None);
        Assert.That(next.Hits, Has.Count.EqualTo(1), "the same search with other boost terms continues");
    }

    [Test]
    public async Task A_cursor_from_another_sort_order_is_an_invalid_request()
    {
        var index = await IndexWithAsync(Doc("甲"), Doc("乙"));
        var cursor = (await index.SearchAsync(new() { Limit = 1, Sort = SearchSort.Newest }, None)).NextCursor;

        var error = Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(new() { Cursor = cursor, Sort = SearchSort.PriceAsc }, None));

        Assert.That(error!.Field, Is.EqualTo("cursor"));
        Assert.That(error.Message, Does.Contain("sort=newest").And.Contain("sort=price"), "the API's codes, on either engine");
    }

    [Test]
    public async Task Hits_carry_the_offering_fields()
    {
        var doc = Doc("弧焊机器人工作站", direction: "machinery") with
        {
            SupplierName = "重庆某智能装备有限公司",
            SubDirections = ["machinery.welding"],
            Districts = ["渝北区"],
            PriceMinYuan = 120_000,
            PriceMaxYuan = 300_000,
            ImplementationDays = 45,
        };
        var index = await IndexWithAsync(doc);

        var hit = (await index.SearchAsync(new() { Text = "弧焊" }, None)).Hits.Single();

        Assert.Multiple(() =>
        {
            Assert.That(hit.RevisionId, Is.EqualTo(doc.RevisionId));
            Assert.That(hit.SupplierName, Is.EqualTo(doc.SupplierName));
            Assert.That(hit.SubDirections, Is.EqualTo(doc.SubDirections));
            Assert.That(hit.Districts, Is.EqualTo(doc.Districts));
            Assert.That(hit.PriceMinYuan, Is.EqualTo(120_000));
            Assert.That(hit.PriceMaxYuan, Is.EqualTo(300_000));
            Assert.That(hit.ImplementationDays, Is.EqualTo(45));
            Assert.That(hit.PublishedAt, Is.EqualTo(doc.PublishedAt));
            Assert.That(hit.Score, Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task Is_healthy_once_created()
    {
        var index = await CreateIndexAsync();

        Assert.That(await index.IsHealthyAsync(None), Is.True);
    }
}
