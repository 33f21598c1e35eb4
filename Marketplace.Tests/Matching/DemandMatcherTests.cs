using Marketplace.Core.Matching;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Marketplace.Search.Lucene;
using Marketplace.Tests.Api;

namespace Marketplace.Tests.Matching;

/// <summary>
/// The matcher's scores and reasons over a real <see cref="LuceneOfferingIndex"/> in a temporary folder
/// (the ranking quality itself is measured by <see cref="MatchingEvaluation"/>). Offerings compared for
/// fit share the same text, so the engine scores them alike and only the checked property differs.
/// </summary>
public sealed partial class DemandMatcherTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    /// <summary>As the API builds it: on the search engine's word segmentation.</summary>
    private static readonly NeedModel Needs = NeedModel.Build(TaxonomyCatalog.Default, JiebaWordSegmentation.Default, JiebaWordKnowledge.Default);

    private static readonly EnterpriseProfile Small = new("璧山区", "摩托车零部件制造", "规下高成长");
    private static readonly EnterpriseProfile Large = new("璧山区", "摩托车零部件制造", "规上");

    private const string WeldingTitle = "焊接机器人工作站";
    private const string WeldingSummary = "弧焊机器人替代手工焊，焊缝均匀，适合车架、支架焊接";

    private string _root = "";
    private LuceneOfferingIndex? _index;

    /// <summary>Label → offering id of the documents written in the current test.</summary>
    private readonly Dictionary<Guid, string> _labels = [];

    [SetUp]
    public async Task CreateIndex()
    {
        _root = Directory.CreateTempSubdirectory("marketplace-matcher-").FullName;
        _index = new LuceneOfferingIndex(new LuceneIndexOptions { IndexDirectory = _root }, Thesaurus.Default, TaxonomyCatalog.Default);
        await _index.EnsureCreatedAsync(None);
        _labels.Clear();
    }

    [TearDown]
    public void DeleteIndex()
    {
        _index?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static OfferingDocument Doc(string title = WeldingTitle, string summary = WeldingSummary, long price = 300_000, int days = 60,
        string[]? districts = null, string[]? directions = null, string type = "solution", string deployment = "hardware", string[]? keywords = null) => new()
    {
        Keywords = keywords ?? [],
        Id = Guid.NewGuid(),
        Version = 1,
        Live = true,
        RevisionId = Guid.NewGuid(),
        Title = title,
        Summary = summary,
        Description = summary,
        SupplierId = Guid.NewGuid(),
        SupplierName = "重庆测试智能装备有限公司",
        Directions = directions ?? ["machinery"],
        Districts = districts ?? ["璧山区"],
        Type = type,
        Deployment = deployment,
        PriceMinYuan = price,
        PriceMaxYuan = price * 2,
        ImplementationDays = days,
        PublishedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>Writes the labelled offerings and matches <paramref name="query"/> against them.</summary>
    private async Task<DemandMatchResult> MatchAsync(DemandQuery query, params (string Label, OfferingDocument Doc)[] offerings)
    {
        foreach (var (label, doc) in offerings)
        {
            _labels[doc.Id] = label;
        }
        await _index!.WriteAsync(offerings.Select(o => o.Doc).ToArray(), None);
        var matcher = new DemandMatcher(_index, DirectionInference.Default, TaxonomyCatalog.Default, Needs);
        return await matcher.MatchAsync(query, 10, None);
    }

    private string Label(OfferingMatch match) => _labels[match.OfferingId];

    private OfferingMatch Get(DemandMatchResult result, string label) => result.Matches.Single(m => Label(m) == label);

    private static DemandQuery Query(string? direction = "machinery", long? budget = null, int? days = null, EnterpriseProfile? enterprise = null,
        string text = "想上一套焊接机器人") => new(text, direction, null, budget, days, enterprise ?? Large);

    private static MatchReason Reason(OfferingMatch match, string kind) => match.Reasons.Single(r => r.Kind == kind);

    [Test]
    public async Task Budget_reason_states_the_minimum_price_against_the_budget_in_Chinese()
    {
        var result = await MatchAsync(Query(budget: 500_000), ("贵的", Doc(price: 800_000)), ("便宜的", Doc(price: 300_000)));
        var over = Get(result, "贵的");
        var within = Get(result, "便宜的");
        Assert.Multiple(() =>
        {
            Assert.That(Reason(over, MatchReasonKinds.Budget), Is.EqualTo(new MatchReason("budget", false, "最低报价80万元，超出预算50万元")));
            Assert.That(Reason(within, MatchReasonKinds.Budget), Is.EqualTo(new MatchReason("budget", true, "最低报价30万元，在预算50万元以内")));
            Assert.That(within.Score, Is.GreaterThan(over.Score), "fit moves the fitting offering above an equally relevant one");
        });
    }

    [Test]
    public async Task A_budget_of_zero_reads_as_free_only()
    {
        var result = await MatchAsync(Query(budget: 0), ("收费的", Doc(price: 800_000)), ("免费的", Doc(price: 0)));
        Assert.Multiple(() =>
        {
            Assert.That(Reason(Get(result, "收费的"), MatchReasonKinds.Budget), Is.EqualTo(new MatchReason("budget", false, "最低报价80万元，预算为零（只要免费的）")));
            Assert.That(Reason(Get(result, "免费的"), MatchReasonKinds.Budget), Is.EqualTo(new MatchReason("budget", true, "免费，符合零预算")));
        });
    }

    [Test]
    public async Task A_budget_and_deadline_written_in_the_text_stand_for_empty_fields()
    {
        var result = await MatchAsync(Query(text: "想上一套焊接机器人，钱最多五十万，两个月内用起来"),
            ("贵的", Doc(price: 800_000)), ("便宜的", Doc(price: 300_000)));

        Assert.Multiple(() =>
        {
            Assert.That(Reason(Get(result, "贵的"), MatchReasonKinds.Budget), Is.EqualTo(new MatchReason("budget", false, "最低报价80万元，超出预算50万元（据描述）")));
            Assert.That(Reason(Get(result, "便宜的"), MatchReasonKinds.Time).Detail, Does.EndWith("满足60天内完成（据描述）"));
            Assert.That(Get(result, "便宜的").Score, Is.GreaterThan(Get(result, "贵的").Score));
        });
        var stated = await MatchAsync(Query(budget: 1_000_000, text: "想上一套焊接机器人，钱最多五十万"), ("字段预算内", Doc(price: 900_000)));
        Assert.That(Reason(Get(stated, "字段预算内"), MatchReasonKinds.Budget).Ok, Is.True, "the field, when given, is the budget");
    }

    [Test]
    public async Task A_deadline_written_as_a_date_counts_from_the_day_in_China()
    {
        await _index!.WriteAsync([Doc(title: "二十天的焊接机器人", days: 20), Doc(title: "六十天的焊接机器人", days: 60)], None);
        // 2026-12-07 02:00 in China is still 2026-12-06 in UTC.
        var clock = new MovableClock { Offset = new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.FromHours(8)) - TimeProvider.System.GetUtcNow() };
        var matcher = new DemandMatcher(_index, DirectionInference.Default, TaxonomyCatalog.Default, Needs, clock: clock);

        var result = await matcher.MatchAsync(Query(text: "想上一套焊接机器人，年底前用起来"), 10, None);

        Assert.Multiple(() =>
        {
            Assert.That(Reason(result.Matches.Single(m => m.Title == "二十天的焊接机器人"), MatchReasonKinds.Time),
                Is.EqualTo(new MatchReason("time", true, "实施周期20天，满足24天内完成（据描述）")));
            Assert.That(Reason(result.Matches.Single(m => m.Title == "六十天的焊接机器人"), MatchReasonKinds.Time).Ok, Is.False);
        });
    }

    [Test]
    public async Task Words_in_common_are_the_owners_own_and_words_the_understanding_added_are_named_apart()
    {
        const string text = "车架焊缝宽窄不一，焊工又难招，想换成机器干";
        var result = await MatchAsync(Query(text: text), ("工作站", Doc()));

        var detail = Reason(Get(result, "工作站"), MatchReasonKinds.Text).Detail;
        var own = System.Text.RegularExpressions.Regex.Match(detail, "匹配词：([^；]+)");
        var added = System.Text.RegularExpressions.Regex.Match(detail, "按需求理解匹配：(.+)$");
        Assert.Multiple(() =>
        {
            Assert.That(own.Success, Is.True, detail);
            Assert.That(own.Groups[1].Value.Split('、'), Has.All.Matches<string>(t => text.Contains(t)), detail);
            Assert.That(added.Success, Is.True, "the search added the understood item's names: " + detail);
            Assert.That(added.Groups[1].Value.Split('、'), Has.None.Matches<string>(t => text.Contains(t)), detail);
        });
    }

    [Test]
    public async Task No_budget_or_deadline_gives_no_budget_or_time_reason()
    {
        var result = await MatchAsync(Query(), ("焊接工作站", Doc()));
        Assert.That(result.Matches[0].Reasons.Select(r => r.Kind), Has.None.EqualTo(MatchReasonKinds.Budget).And.None.EqualTo(MatchReasonKinds.Time));
    }

    [Test]
    public async Task Time_reason_compares_implementation_days_with_the_deadline()
    {
        var result = await MatchAsync(Query(days: 60), ("慢", Doc(days: 90)), ("快", Doc(days: 30)));
        Assert.Multiple(() =>
        {
            Assert.That(Reason(Get(result, "慢"), MatchReasonKinds.Time), Is.EqualTo(new MatchReason("time", false, "实施周期90天，超过要求的60天")));
            Assert.That(Reason(Get(result, "快"), MatchReasonKinds.Time), Is.EqualTo(new MatchReason("time", true, "实施周期30天，满足60天内完成")));
            Assert.That(Label(result.Matches[0]), Is.EqualTo("快"));
        });
    }

    [Test]
    public async Task District_reason_accepts_the_enterprise_district_or_the_whole_city()
    {
        var result = await MatchAsync(Query(),
            ("本区", Doc(districts: ["璧山区", "铜梁区"])), ("全市", Doc(districts: ["全市"])), ("外区", Doc(districts: ["万州区"])));
        Assert.Multiple(() =>
        {
            Assert.That(Reason(Get(result, "本区"), MatchReasonKinds.District), Is.EqualTo(new MatchReason("district", true, "服务璧山区")));
            Assert.That(Reason(Get(result, "全市"), MatchReasonKinds.District), Is.EqualTo(new MatchReason("district", true, "服务全市，含璧山区")));
            Assert.That(Reason(Get(result, "外区"), MatchReasonKinds.District), Is.EqualTo(new MatchReason("district", false, "不服务璧山区")));
            Assert.That(Label(result.Matches[^1]), Is.EqualTo("外区"));
        });
    }

    [Test]
    public async Task Stated_direction_is_a_reason_and_a_soft_preference_not_a_filter()
    {
        var result = await MatchAsync(Query(direction: "machinery"),
            ("机械", Doc(directions: ["machinery"])), ("通用", Doc(directions: ["general"])), ("食品", Doc(directions: ["food"])));
        Assert.Multiple(() =>
        {
            Assert.That(result.Matches.Select(Label), Is.EqualTo(new[] { "机械", "通用", "食品" }));
            Assert.That(Reason(result.Matches[0], MatchReasonKinds.Direction), Is.EqualTo(new MatchReason("direction", true, "属于机械制造方向")));
            Assert.That(Reason(result.Matches[1], MatchReasonKinds.Direction).Detail, Does.StartWith("通用方案"));
            Assert.That(Reason(result.Matches[2], MatchReasonKinds.Direction), Is.EqualTo(new MatchReason("direction", false, "不属于机械制造方向，但提供所需功能")));
            Assert.That(result.Matches.Select(m => m.Reasons.Select(r => r.Kind)), Has.None.Contains(MatchReasonKinds.InferredDirection));
        });
    }

    [Test]
    public async Task Without_a_stated_direction_the_inferred_one_is_used_and_explained()
    {
        var query = Query(direction: null, text: "车架焊接全靠老焊工，焊缝宽宽窄窄，客户投诉");
        var result = await MatchAsync(query, ("焊接", Doc(directions: ["machinery"])), ("食品", Doc(directions: ["food"])));
        Assert.That(result.InferredDirections, Is.Not.Empty);
        Assert.That(result.InferredDirections[0].DirectionCode, Is.EqualTo("machinery"));
        var welding = Get(result, "焊接");
        var food = Get(result, "食品");
        Assert.Multiple(() =>
        {
            Assert.That(Reason(welding, MatchReasonKinds.InferredDirection).Ok, Is.True);
            Assert.That(Reason(welding, MatchReasonKinds.InferredDirection).Detail, Does.Contain("机械制造"));
            Assert.That(Reason(food, MatchReasonKinds.InferredDirection).Ok, Is.False);
            Assert.That(welding.Score, Is.GreaterThan(food.Score));
            Assert.That(welding.Reasons.Select(r => r.Kind), Has.None.EqualTo(MatchReasonKinds.Direction));
        });
    }

    [Test]
    public async Task A_colloquial_symptom_finds_the_offering_of_the_item_that_solves_it()
    {
        var result = await MatchAsync(Query(direction: null, text: "车架焊完变形，焊工难招"),
            ("焊接", Doc()), ("仓库", Doc(title: "仓库管理 WMS 云平台", summary: "条码出入库、库位管理、盘点", directions: ["general"])));
        Assert.Multiple(() =>
        {
            Assert.That(Label(result.Matches[0]), Is.EqualTo("焊接"));
            Assert.That(Reason(result.Matches[0], MatchReasonKinds.Need).Detail, Does.StartWith("满足所需功能「焊接工艺设备」"));
            Assert.That(result.Matches.Where(m => Label(m) == "仓库").Select(m => Reason(m, MatchReasonKinds.Need).Ok), Has.None.True);
        });
    }

    [Test]
    public async Task The_answer_states_the_understood_function_apart_from_the_industry()
    {
        var enterprise = new EnterpriseProfile("璧山区", "机制纸及纸板制造", "规下高成长");
        var result = await MatchAsync(Query(direction: null, enterprise: enterprise, text: "车架焊完变形，焊缝宽窄不一，焊工难招"), ("焊接", Doc()));
        Assert.Multiple(() =>
        {
            Assert.That(result.Need.Items, Is.Not.Empty);
            Assert.That(result.Need.Items[0].Code, Is.EqualTo("machinery.welding"));
            Assert.That(result.Need.Items[0].Evidence, Is.Not.Empty.And.All.Length.GreaterThan(1), "the demand's own words, never a single character");
            Assert.That(result.Need.Summary, Does.StartWith("理解为：焊接工艺设备（").And.EndWith("；行业：机制纸及纸板制造"));
            Assert.That(Reason(result.Matches[0], MatchReasonKinds.Need).Ok, Is.True);
        });
    }

    [Test]
    public async Task The_general_function_asked_for_is_met_by_its_specialisation_for_the_enterprises_own_direction()
    {
        // A coatings plant (化工 by its declared industry) asks for environmental treatment in general words; the taxonomy
        // declares VOCs treatment the chemical industry's form of it, though the two share no words.
        var enterprise = new EnterpriseProfile("长寿区", "工业涂料", "规下高成长");
        var text = "环保检查说我们车间排放超标，要求停产整改，想找人帮忙搞定";
        var result = await MatchAsync(Query(direction: null, enterprise: enterprise, text: text),
            ("VOCs", Doc(title: "涂料车间有机废气收集与RTO治理", summary: "VOCs收集、蓄热燃烧处理，达标排放", directions: ["chemicals"], keywords: ["VOCs治理"])));
        var needs = result.Need.Items.Select(i => i.Code).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(needs, Does.Contain("general.environmental-protection"));
            var need = Reason(Get(result, "VOCs"), MatchReasonKinds.Need);
            Assert.That(need.Ok, Is.True, need.Detail);
            Assert.That(need.Detail, Does.StartWith("满足所需功能「环保治理与监测」").And.EndWith("，方案属于其同类条目「挥发性有机物（VOCs）治理」"));
        });
    }

    [Test]
    public async Task A_function_met_through_a_related_item_of_another_direction_is_said_to_be_met_in_part()
    {
        // The food industry's traceability item asked for by a machinery plant: the general item stands in, in part only.
        var enterprise = new EnterpriseProfile("璧山区", "汽车零部件制造", "规下高成长");
        var query = new DemandQuery("老板交代要把这件事办好", "machinery", "food.traceability", null, null, enterprise);
        var result = await MatchAsync(query,
            ("追溯", Doc(title: "产品质量追溯系统", summary: "一物一码，批次、班组、工序全程可查，产品质量追溯", directions: ["general"], keywords: ["产品追溯"])));

        var need = Reason(Get(result, "追溯"), MatchReasonKinds.Need);
        Assert.That(need.Detail, Does.StartWith("以相近条目「产品质量追溯」部分满足所需功能「产品质量可追溯体系」"), need.Detail);
    }

    [Test]
    public async Task Industry_words_do_not_outrank_the_function_asked_for()
    {
        // A paper mill wants its machines' stops recorded; a papermaking offering shares its industry words only.
        var enterprise = new EnterpriseProfile("璧山区", "造纸", "规下高成长");
        var text = "我们是造纸厂，纸机经常停机，停了多久、一天产量多少全靠人记，想让设备联网自动采集，手机上看";
        var result = await MatchAsync(Query(direction: "light-textile", enterprise: enterprise, text: text),
            ("造纸节能", Doc(title: "造纸厂清洁生产与节能减排改造", summary: "造纸企业白水回用、造纸节能、造纸废水处理", directions: ["light-textile"])),
            ("数据采集", Doc(title: "设备联网数据采集与生产看板", summary: "设备停机、产量自动采集，手机查看生产看板", directions: ["general"])));
        Assert.Multiple(() =>
        {
            Assert.That(Label(result.Matches[0]), Is.EqualTo("数据采集"));
            Assert.That(result.Need.Items[0].Code, Is.EqualTo("general.production-data"));
            Assert.That(Reason(result.Matches[0], MatchReasonKinds.Need).Detail, Does.StartWith("满足所需功能「生产流程数据采集与可视化」"));
            Assert.That(result.Matches.Where(m => Label(m) == "造纸节能").Select(m => Reason(m, MatchReasonKinds.Need).Ok), Has.None.True);
        });
    }

    [Test]
    public async Task A_weak_reading_does_not_lend_its_items_words_to_the_text_match()
    {
        // Read weakly as traceability (from 经销商 alone): the traceability system shares none of the owner's words and must
        // not win on that item's vocabulary added to the query; the sterilisation retrofit shares them (灌好、袋子、胀).
        var enterprise = new EnterpriseProfile("璧山区", "调味品", "规下");
        var text = "酱料灌好放几天袋子就胀起来，经销商天天打电话要退";
        var result = await MatchAsync(Query(direction: null, enterprise: enterprise, text: text),
            ("追溯", Doc(title: "食品质量追溯系统", summary: "一物一码、批次管理，扫码追溯原料与成品", directions: ["food"])),
            ("杀菌", Doc(title: "酱料灌装后杀菌工艺改造", summary: "灌好封口后巴氏杀菌，解决袋子胀起来、放几天就坏", directions: ["food"])));
        Assert.Multiple(() =>
        {
            Assert.That(result.Need.Confidence, Is.LessThan(0.5), result.Need.Summary);
            Assert.That(Label(result.Matches[0]), Is.EqualTo("杀菌"), string.Join(" / ", result.Matches.SelectMany(m => m.Reasons).Select(r => r.Detail)));
        });
    }

    [Test]
    public void A_search_sentence_read_weakly_keeps_its_items_full_boost()
    {
        // A search has no function score beside its text: the understood items' terms are all its reading adds, so they are
        // not weighed by the confidence as a demand's are.
        var matcher = new DemandMatcher(_index!, DirectionInference.Default, TaxonomyCatalog.Default, Needs);
        var reading = matcher.ReadSearchQuery("酱料灌好放几天袋子就胀起来，经销商天天打电话要退");
        var first = reading.Need.Items[0];
        var name = reading.BoostTerms.Single(t => t.Term == first.Name);
        Assert.Multiple(() =>
        {
            Assert.That(reading.Need.Confidence, Is.LessThan(NeedUnderstanding.WeakConfidence));
            Assert.That(name.Weight, Is.EqualTo(new MatchingWeights().ItemBoost * first.Weight).Within(1e-4));
        });
    }

    [Test]
    public async Task Unrelated_offerings_are_left_out_and_the_answer_says_so()
    {
        var result = await MatchAsync(Query(direction: null, text: "车架焊接全靠老焊工，焊缝宽窄不一"),
            ("焊接", Doc()),
            ("火锅", Doc(title: "火锅底料质量追溯系统", summary: "原料批次不再全靠手记，一物一码，扫码查看", directions: ["food"])));
        Assert.Multiple(() =>
        {
            // The traceability system shares a word of the text (全靠): a candidate, but unrelated to the need.
            Assert.That(result.Matches.Select(Label), Is.EqualTo(new[] { "焊接" }), string.Join(" / ", result.Matches.SelectMany(m => m.Reasons).Select(r => r.Detail)));
            Assert.That(result.Withheld, Is.EqualTo(1));
            Assert.That(result.Note, Is.EqualTo("仅1个方案与所需功能足够相关，其余关联过弱，未列出"));
        });
    }

    /// <summary>
    /// The pool has no offering of the function the owner stated: the best text hit (替代人工 in a welding station) is itself
    /// unrelated, and text is measured against it, so only the stated direction tells it apart.
    /// </summary>
    [Test]
    public async Task Offerings_of_another_function_outside_the_stated_direction_are_left_out_whatever_their_text()
    {
        var food = new EnterpriseProfile("江北区", "乳制品", "规下高成长");
        var query = new DemandQuery("引入无菌灌装机替代人工封口", "food", "food.aseptic-filling", null, null, food);
        var result = await MatchAsync(query,
            ("焊接", Doc(summary: "弧焊机器人替代人工焊接，焊缝均匀")),
            ("抛光", Doc(title: "五金卫浴抛光机器人", summary: "抛光打磨机器人替代人工，粉尘少")));
        Assert.Multiple(() =>
        {
            Assert.That(result.Matches, Is.Empty, string.Join(" / ", result.Matches.SelectMany(m => m.Reasons).Select(r => r.Detail)));
            Assert.That(result.Withheld, Is.EqualTo(2));
            Assert.That(result.Note, Is.EqualTo("没有方案与所需功能足够相关，未列出关联过弱的方案"));
        });
    }

    [Test]
    public async Task A_list_where_no_offering_meets_the_function_says_the_pool_has_none()
    {
        var result = await MatchAsync(Query(text: "喷漆房漆雾大，工人不愿意干，想上喷涂机器人自动喷漆"),
            ("上下料", Doc(title: "数控机床上下料机器人", summary: "机器人自动上下料，一人看多台机床")));
        Assert.Multiple(() =>
        {
            Assert.That(result.Matches.Select(Label), Is.EqualTo(new[] { "上下料" }));
            Assert.That(Reason(result.Matches[0], MatchReasonKinds.Need).Ok, Is.False);
            Assert.That(result.Note, Does.StartWith($"资源池暂无提供「{result.Need.Items[0].Name}」的方案，以下方案仅文字或方向相近"));
        });
    }

    /// <summary>A budget or a count written in figures is no word in common with an offering that writes the same number.</summary>
    [Test]
    public async Task Figures_of_the_demand_are_no_words_in_common()
    {
        var result = await MatchAsync(Query(direction: null, text: "设备老停机没人记录，想自动记停机，预算1万，1个月内用上"),
            ("停机", Doc(title: "设备停机自动记录小程序", summary: "设备停机自动采集，手机上看停机原因和时长", directions: ["general"])),
            ("仓储", Doc(title: "扫码仓储1号方案", summary: "1天上线，扫码出入库", directions: ["general"])));
        Assert.Multiple(() =>
        {
            Assert.That(result.Matches.SelectMany(m => m.MatchedTerms), Has.None.EqualTo("1"));
            Assert.That(result.Matches.Select(Label).First(), Is.EqualTo("停机"));
            Assert.That(result.Matches.Select(Label), Has.None.EqualTo("仓储"));
        });
    }

    [TestCase("西门子S7-1200的PLC数据采集")]
    [TestCase("想上5G专网")]
    public async Task A_number_joined_to_letters_is_a_model_and_still_searched(string text)
    {
        var result = await MatchAsync(Query(direction: null, text: text),
            ("型号", Doc(title: "S7-1200与5G网关数据采集", summary: "PLC数据采集，5G专网上传", directions: ["general"])));
        Assert.That(result.Matches.SelectMany(m => m.MatchedTerms), Has.Some.Matches<string>(t => t.Any(char.IsAsciiDigit)));
    }

    /// <summary>The inferred reading a reason names is the one its verdict is about: the one the offering agrees with.</summary>
    [Test]
    public async Task An_inferred_direction_reason_names_the_reading_the_offering_agrees_with()
    {
        var result = await MatchAsync(Query(direction: null, text: "注塑机旁边的原料靠人工倒，烘料温度也是凭经验"),
            ("上料", Doc(title: "注塑机中央供料系统", summary: "原料自动烘干、自动上料，不再人工倒料", directions: ["electronics"])),
            ("窑炉", Doc(title: "窑炉温度智能控制系统", summary: "烘干温度自动控制，不再凭经验", directions: ["building-materials"])));
        Assert.That(result.InferredDirections.Select(d => d.DirectionCode).Distinct().Count(), Is.GreaterThan(1), "two readings to choose from");
        foreach (var match in result.Matches)
        {
            var reason = Reason(match, MatchReasonKinds.InferredDirection);
            var agreed = AgreedDirection().Match(reason.Detail);
            Assert.That(agreed.Success, Is.EqualTo(reason.Ok), reason.Detail);
            if (agreed.Success)
            {
                Assert.That(agreed.Groups["read"].Value, Is.EqualTo(agreed.Groups["offering"].Value), reason.Detail);
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^根据描述推断为(?<read>[^·（]+).*方案属于(?<offering>.+)方向$")]
    private static partial System.Text.RegularExpressions.Regex AgreedDirection();

    [Test]
    public async Task A_demand_naming_only_general_wishes_is_vague_and_the_answer_asks_for_the_problem()
    {
        var enterprise = new EnterpriseProfile("璧山区", "五金制品", "规下高成长");
        var result = await MatchAsync(Query(direction: null, enterprise: enterprise, text: "老板想搞数字化转型，不知道从哪里开始"),
            ("焊接", Doc()),
            ("转型咨询", Doc(title: "中小企业数字化转型咨询", summary: "数字化转型现状评估与路线规划", directions: ["general"])));
        Assert.Multiple(() =>
        {
            Assert.That(result.Need.IsVague, Is.True);
            Assert.That(result.Need.Items, Is.Empty, "no technology item is guessed from 数字化转型");
            Assert.That(result.Need.Summary, Is.EqualTo("未能从描述中确定所需功能（数字化转型是笼统的说法）；行业：五金制品"));
            Assert.That(result.Note, Is.EqualTo(NeedUnderstanding.VagueNote));
            Assert.That(result.Matches.Select(Label), Is.EqualTo(new[] { "转型咨询" }), "offerings are still listed by their text");
        });
    }

    [Test]
    public async Task A_vague_demand_that_no_offering_meets_is_not_told_of_offerings_below()
    {
        var result = await MatchAsync(Query(direction: null, enterprise: new EnterpriseProfile("璧山区", null, null), text: "老板想搞数字化转型"), ("焊接", Doc()));
        Assert.That(result.Matches, Is.Empty);
        Assert.That(result.Note, Does.StartWith("需求描述较笼统，也没有文字相关的方案："), "no 'the following offerings' before an empty list");
    }

    [Test]
    public async Task A_need_no_offering_provides_or_shares_words_with_says_so_rather_than_answering_an_empty_list()
    {
        // An empty catalog: no candidate at all, so no floor shortened the list either.
        var result = await MatchAsync(Query(direction: null, text: "车架焊接还靠老师傅手工焊，焊缝宽窄不一"));

        Assert.That(result.Matches, Is.Empty);
        Assert.That(result.Note, Is.EqualTo("资源池暂无提供「焊接工艺设备」的方案；新方案发布后将自动重新匹配"));
    }

    [Test]
    public async Task A_text_score_resting_on_single_characters_is_not_counted_as_text_agreement()
    {
        // 多 is the only character the demand shares with the offering: the best (and only) hit, so its relative text is 1.
        var result = await MatchAsync(Query(direction: null, text: "喷漆老是流挂，返工多"), ("造纸", Doc(title: "白水回用节能改造", summary: "白水多圆盘回收，节水节能")));

        var text = result.Matches.SelectMany(m => m.Reasons).Where(r => r.Kind == MatchReasonKinds.Text).ToArray();
        Assert.That(text, Is.Not.Empty);
        Assert.That(text, Is.All.Matches<MatchReason>(r => !r.Ok && r.Detail.EndsWith("仅个别单字相同，无共同词语")));
    }

    [Test]
    public async Task General_wishes_beside_a_concrete_problem_leave_the_problem_understood()
    {
        var result = await MatchAsync(Query(direction: null, text: "想做数字化转型，先把车架焊接换成机器人，焊缝宽窄不一"), ("焊接", Doc()));
        Assert.Multiple(() =>
        {
            Assert.That(result.Need.IsVague, Is.False);
            Assert.That(result.Need.Items[0].Code, Is.EqualTo("machinery.welding"));
            Assert.That(result.Note, Is.Null);
        });
    }

    [Test]
    public void General_wishes_name_no_technology_item()
    {
        var items = TaxonomyCatalog.Default.SubDirections.SelectMany(s => s.Aliases.Append(s.Name)).ToHashSet();
        Assert.That(TaxonomyCatalog.Default.Document.GeneralWishes, Is.Not.Empty.And.None.Matches<string>(items.Contains));
    }

    [Test]
    public async Task Small_enterprises_prefer_quick_cheap_SaaS_and_tools()
    {
        (string, OfferingDocument) saas = ("云平台", Doc(price: 20_000, days: 14, type: "tool", deployment: "saas"));
        (string, OfferingDocument) heavy = ("整线改造", Doc(price: 2_000_000, days: 240));
        var small = await MatchAsync(Query(enterprise: Small), saas, heavy);
        var large = await MatchAsync(Query(enterprise: Large));
        Assert.Multiple(() =>
        {
            Assert.That(Label(small.Matches[0]), Is.EqualTo("云平台"));
            Assert.That(Reason(small.Matches[0], MatchReasonKinds.Lightweight).Ok, Is.True);
            Assert.That(Reason(small.Matches[0], MatchReasonKinds.Lightweight).Detail, Does.Contain("小快轻准"));
            Assert.That(Reason(small.Matches[1], MatchReasonKinds.Lightweight).Ok, Is.False);
            Assert.That(large.Matches.SelectMany(m => m.Reasons).Select(r => r.Kind), Has.None.EqualTo(MatchReasonKinds.Lightweight));
            Assert.That(large.Matches, Has.Count.EqualTo(2));
            Assert.That(large.Matches[0].Score, Is.EqualTo(large.Matches[1].Score), "no size preference for 规上 enterprises");
        });
    }

    [Test]
    public async Task The_lightweight_reason_names_the_parts_of_small_quick_light_an_offering_misses()
    {
        var result = await MatchAsync(Query(enterprise: Small),
            ("贵工具", Doc(price: 300_000, days: 30, type: "tool", deployment: "hardware")),
            ("慢工具", Doc(price: 120_000, days: 45, type: "tool", deployment: "hardware")),
            ("重方案", Doc(price: 2_000_000, days: 240)));
        Assert.Multiple(() =>
        {
            Assert.That(Reason(Get(result, "贵工具"), MatchReasonKinds.Lightweight), Is.EqualTo(new MatchReason("lightweight", true, "工具，最低30万元，30天实施，部署轻、实施快，但投入偏高")));
            Assert.That(Reason(Get(result, "慢工具"), MatchReasonKinds.Lightweight), Is.EqualTo(new MatchReason("lightweight", false, "工具，最低12万元，45天实施，部署轻，但投入偏高、周期偏长")),
                "ok when two of the three hold, as the words say");
            Assert.That(Reason(Get(result, "重方案"), MatchReasonKinds.Lightweight).Detail, Is.EqualTo("硬件方案，最低200万元，240天实施，对中小企业偏重"));
        });
    }

    [Test]
    public async Task Renting_first_or_buying_outright_shades_the_fit()
    {
        (string, OfferingDocument) rental = ("租赁", Doc(keywords: ["按月租赁"]));
        (string, OfferingDocument) sale = ("销售", Doc());
        var rent = await MatchAsync(Query(text: "车架焊接全靠老焊工，焊缝宽窄不一。想先租两台焊接机器人试一试，好用再买"), rental, sale);
        var buy = await MatchAsync(Query(text: "车架焊接全靠老焊工，焊缝宽窄不一。想直接买两台焊接机器人，不想租"));
        var premises = await MatchAsync(Query(text: "厂房是租的，车架焊接全靠老焊工，想上焊接机器人"));
        Assert.Multiple(() =>
        {
            Assert.That(rent.Matches.Select(Label), Is.EqualTo(new[] { "租赁", "销售" }));
            Assert.That(Reason(rent.Matches[0], MatchReasonKinds.Acquisition), Is.EqualTo(new MatchReason("acquisition", true, "提供租赁，可先租后买")));
            Assert.That(Reason(rent.Matches[1], MatchReasonKinds.Acquisition).Ok, Is.False);
            Assert.That(buy.Matches.Select(Label), Is.EqualTo(new[] { "销售", "租赁" }));
            Assert.That(Reason(buy.Matches[1], MatchReasonKinds.Acquisition), Is.EqualTo(new MatchReason("acquisition", false, "以租赁方式提供，企业希望购买")));
            Assert.That(premises.Matches.SelectMany(m => m.Reasons).Select(r => r.Kind), Has.None.EqualTo(MatchReasonKinds.Acquisition),
                "a rented factory says nothing about how the solution is wanted");
        });
    }

    [TestCase("想先租个自己会跑的小车试一两个月，好用再买", AcquisitionWish.Rent)]
    [TestCase("能不能租两台用用", AcquisitionWish.Rent)]
    [TestCase("钱不多，想先试用一个月", AcquisitionWish.Rent)]
    [TestCase("想直接买两台，不想租", AcquisitionWish.Buy)]
    [TestCase("不租，买断", AcquisitionWish.Buy)]
    [TestCase("厂房是租的，不想打地基", AcquisitionWish.None)]
    [TestCase("新租的成品库在马路对面", AcquisitionWish.None)]
    [TestCase("不用买，先租着用", AcquisitionWish.Rent)]
    [TestCase("钱紧，也在考虑租赁", AcquisitionWish.Rent)]
    [TestCase("焊接机器人太贵，租金也贵，想买断一台二手的", AcquisitionWish.Buy)]
    [TestCase("打算直接买一套", AcquisitionWish.Buy)]
    [TestCase("不想买新的，旧的能改就改", AcquisitionWish.None)]
    [TestCase("买的设备三年了", AcquisitionWish.None)]
    [TestCase("不想一下子掏一大笔钱买断", AcquisitionWish.None)]
    public void The_acquisition_wish_is_read_from_what_the_owner_says_about_the_solution(string text, AcquisitionWish expected) =>
        Assert.That(Acquisition.Wish(text), Is.EqualTo(expected));

    [TestCase("AMR物料小车（可按月租赁）", true)]
    [TestCase("起租三个月，免改造地面", true)]
    [TestCase("整机销售，不提供租赁", false)]
    [TestCase("牵引式AMR拖挂料车", false)]
    public void An_offering_for_rent_says_so_in_its_title_summary_or_keywords(string summary, bool expected) =>
        Assert.That(Acquisition.OffersRental(new OfferingHit { Id = Guid.NewGuid(), RevisionId = Guid.NewGuid(), Score = 1, Summary = summary }), Is.EqualTo(expected));

    [Test]
    public async Task Scores_are_between_0_and_1_sorted_and_cut_at_topK()
    {
        var random = new Random(7);
        string[] words = ["焊接机器人", "弧焊", "激光焊接", "焊缝跟踪", "变位机", "喷涂", "数控机床", "仓库管理"];
        var offerings = Enumerable.Range(0, 30).Select(i => ($"方案{i}", Doc(
            title: $"{words[i % words.Length]}方案{i}",
            summary: string.Join("，", words.OrderBy(_ => random.Next()).Take(3)),
            price: random.Next(1, 300) * 10_000,
            days: random.Next(5, 400),
            districts: [random.Next(2) == 0 ? "璧山区" : "万州区"]))).ToArray();
        var result = await MatchAsync(Query(budget: 500_000, days: 90, enterprise: Small), offerings);
        Assert.Multiple(() =>
        {
            Assert.That(result.Matches, Has.Count.EqualTo(10));
            Assert.That(result.Matches.Select(m => m.Score), Is.All.InRange(0.0, 1.0));
            Assert.That(result.Matches.Select(m => m.Score), Is.Ordered.Descending);
            Assert.That(result.Matches[0].Reasons.Select(r => r.Kind), Does.Contain(MatchReasonKinds.Text));
            Assert.That(result.Matches[0].MatchedTerms, Is.Not.Empty, "the best match is explained by the terms it matched");
            Assert.That(result.Matches.SelectMany(m => m.MatchedTerms), Has.None.Matches<string>(t => t.Length == 1 && t[0] >= '\u4E00'),
                "no single Chinese character among matched terms");
        });
    }

    [Test]
    public async Task No_candidates_give_no_matches()
    {
        var result = await MatchAsync(Query());
        Assert.That(result.Matches, Is.Empty);
    }

    [Test]
    public void Amounts_read_as_people_say_them()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DemandMatcher.Yuan(8000), Is.EqualTo("8000元"));
            Assert.That(DemandMatcher.Yuan(800_000), Is.EqualTo("80万元"));
            Assert.That(DemandMatcher.Yuan(15_000), Is.EqualTo("1.5万元"));
            Assert.That(DemandMatcher.Yuan(120_000_000), Is.EqualTo("1.2亿元"));
        });
    }
}
