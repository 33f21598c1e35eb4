using Marketplace.Core.Matching;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Tests.Matching;

/// <summary>The matcher's scores and reasons, over a canned index (the ranking itself is measured by MatchingEvaluation).</summary>
public sealed class DemandMatcherTests
{
    private static readonly EnterpriseProfile Small = new("璧山区", "摩托车零部件制造", "规下高成长");
    private static readonly EnterpriseProfile Large = new("璧山区", "摩托车零部件制造", "规上");

    private static OfferingHit Hit(string title, double score, long price = 300_000, int days = 60, string[]? districts = null,
        string[]? directions = null, string type = "solution", string deployment = "hardware") => new()
    {
        Id = Guid.NewGuid(),
        RevisionId = Guid.NewGuid(),
        Score = score,
        Title = title,
        SupplierName = "重庆测试智能装备有限公司",
        Directions = directions ?? ["machinery"],
        Districts = districts ?? ["璧山区"],
        PriceMinYuan = price,
        PriceMaxYuan = price * 2,
        ImplementationDays = days,
        Type = type,
        Deployment = deployment,
        MatchedTerms = ["焊接机器人"],
    };

    private static async Task<DemandMatchResult> MatchAsync(DemandQuery query, params OfferingHit[] hits)
    {
        var matcher = new DemandMatcher(new CannedIndex(hits), DirectionInference.Default, TaxonomyCatalog.Default);
        return await matcher.MatchAsync(query, 10, CancellationToken.None);
    }

    private static DemandQuery Query(string? direction = "machinery", long? budget = null, int? days = null, EnterpriseProfile? enterprise = null,
        string text = "想上一套焊接机器人") => new(text, direction, null, budget, days, enterprise ?? Large);

    private static MatchReason Reason(OfferingMatch match, string kind) => match.Reasons.Single(r => r.Kind == kind);

    [Test]
    public async Task Budget_reason_states_the_minimum_price_against_the_budget_in_Chinese()
    {
        var result = await MatchAsync(Query(budget: 500_000), Hit("贵的", 10, price: 800_000), Hit("便宜的", 10, price: 300_000));
        var over = result.Matches.Single(m => m.Title == "贵的");
        var within = result.Matches.Single(m => m.Title == "便宜的");
        Assert.Multiple(() =>
        {
            Assert.That(Reason(over, MatchReasonKinds.Budget), Is.EqualTo(new MatchReason("budget", false, "最低报价80万元，超出预算50万元")));
            Assert.That(Reason(within, MatchReasonKinds.Budget), Is.EqualTo(new MatchReason("budget", true, "最低报价30万元，在预算50万元以内")));
            Assert.That(within.Score, Is.GreaterThan(over.Score), "fit moves the fitting offering above an equally relevant one");
        });
    }

    [Test]
    public async Task No_budget_or_deadline_gives_no_budget_or_time_reason()
    {
        var result = await MatchAsync(Query(), Hit("焊接工作站", 5));
        Assert.That(result.Matches[0].Reasons.Select(r => r.Kind), Has.None.EqualTo(MatchReasonKinds.Budget).And.None.EqualTo(MatchReasonKinds.Time));
    }

    [Test]
    public async Task Time_reason_compares_implementation_days_with_the_deadline()
    {
        var result = await MatchAsync(Query(days: 60), Hit("慢", 10, days: 90), Hit("快", 10, days: 30));
        Assert.Multiple(() =>
        {
            Assert.That(Reason(result.Matches.Single(m => m.Title == "慢"), MatchReasonKinds.Time),
                Is.EqualTo(new MatchReason("time", false, "实施周期90天，超过要求的60天")));
            Assert.That(Reason(result.Matches.Single(m => m.Title == "快"), MatchReasonKinds.Time),
                Is.EqualTo(new MatchReason("time", true, "实施周期30天，满足60天内完成")));
            Assert.That(result.Matches[0].Title, Is.EqualTo("快"));
        });
    }

    [Test]
    public async Task District_reason_accepts_the_enterprise_district_or_the_whole_city()
    {
        var result = await MatchAsync(Query(),
            Hit("本区", 10, districts: ["璧山区", "铜梁区"]), Hit("全市", 10, districts: ["全市"]), Hit("外区", 10, districts: ["万州区"]));
        Assert.Multiple(() =>
        {
            Assert.That(Reason(result.Matches.Single(m => m.Title == "本区"), MatchReasonKinds.District), Is.EqualTo(new MatchReason("district", true, "服务璧山区")));
            Assert.That(Reason(result.Matches.Single(m => m.Title == "全市"), MatchReasonKinds.District), Is.EqualTo(new MatchReason("district", true, "服务全市，含璧山区")));
            Assert.That(Reason(result.Matches.Single(m => m.Title == "外区"), MatchReasonKinds.District), Is.EqualTo(new MatchReason("district", false, "不服务璧山区")));
            Assert.That(result.Matches[^1].Title, Is.EqualTo("外区"));
        });
    }

    [Test]
    public async Task Stated_direction_is_a_reason_and_a_soft_preference_not_a_filter()
    {
        var result = await MatchAsync(Query(direction: "machinery"),
            Hit("机械", 10, directions: ["machinery"]), Hit("通用", 10, directions: ["general"]), Hit("食品", 10, directions: ["food"]));
        Assert.Multiple(() =>
        {
            Assert.That(result.Matches.Select(m => m.Title), Is.EqualTo(new[] { "机械", "通用", "食品" }));
            Assert.That(Reason(result.Matches[0], MatchReasonKinds.Direction), Is.EqualTo(new MatchReason("direction", true, "属于机械制造方向")));
            Assert.That(Reason(result.Matches[1], MatchReasonKinds.Direction).Detail, Does.StartWith("通用方案"));
            Assert.That(Reason(result.Matches[2], MatchReasonKinds.Direction), Is.EqualTo(new MatchReason("direction", false, "不属于机械制造方向")));
            Assert.That(result.Matches.Select(m => m.Reasons.Select(r => r.Kind)), Has.None.Contains(MatchReasonKinds.InferredDirection));
        });
    }

    [Test]
    public async Task Without_a_stated_direction_the_inferred_one_is_used_and_explained()
    {
        var query = Query(direction: null, text: "车架焊接全靠老焊工，焊缝宽宽窄窄，客户投诉");
        var result = await MatchAsync(query, Hit("焊接", 10, directions: ["machinery"]), Hit("食品", 10, directions: ["food"]));
        Assert.That(result.InferredDirections, Is.Not.Empty);
        Assert.That(result.InferredDirections[0].DirectionCode, Is.EqualTo("machinery"));
        var welding = result.Matches.Single(m => m.Title == "焊接");
        var food = result.Matches.Single(m => m.Title == "食品");
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
    public async Task Small_enterprises_prefer_quick_cheap_SaaS_and_tools()
    {
        var saas = Hit("云平台", 10, price: 20_000, days: 14, type: "tool", deployment: "saas");
        var heavy = Hit("整线改造", 10, price: 2_000_000, days: 240);
        var small = await MatchAsync(Query(enterprise: Small), saas, heavy);
        var large = await MatchAsync(Query(enterprise: Large), saas, heavy);
        Assert.Multiple(() =>
        {
            Assert.That(small.Matches[0].Title, Is.EqualTo("云平台"));
            Assert.That(Reason(small.Matches[0], MatchReasonKinds.Lightweight).Ok, Is.True);
            Assert.That(Reason(small.Matches[0], MatchReasonKinds.Lightweight).Detail, Does.Contain("小快轻准"));
            Assert.That(Reason(small.Matches[1], MatchReasonKinds.Lightweight).Ok, Is.False);
            Assert.That(large.Matches.SelectMany(m => m.Reasons).Select(r => r.Kind), Has.None.EqualTo(MatchReasonKinds.Lightweight));
            Assert.That(large.Matches[0].Score, Is.EqualTo(large.Matches[1].Score), "no size preference for 规上 enterprises");
        });
    }

    [Test]
    public async Task Scores_are_between_0_and_1_sorted_and_cut_at_topK()
    {
        var random = new Random(7);
        var hits = Enumerable.Range(0, 30).Select(i => Hit($"方案{i}", random.NextDouble() * 20, price: random.Next(1, 300) * 10_000,
            days: random.Next(5, 400), districts: [random.Next(2) == 0 ? "璧山区" : "万州区"])).ToArray();
        var result = await MatchAsync(Query(budget: 500_000, days: 90, enterprise: Small), hits);
        Assert.Multiple(() =>
        {
            Assert.That(result.Matches, Has.Count.EqualTo(10));
            Assert.That(result.Matches.Select(m => m.Score), Is.All.InRange(0.0, 1.0));
            Assert.That(result.Matches.Select(m => m.Score), Is.Ordered.Descending);
            Assert.That(result.Matches[0].Reasons.Select(r => r.Kind), Does.Contain(MatchReasonKinds.Text));
            Assert.That(result.Matches[0].MatchedTerms, Is.EqualTo(new[] { "焊接机器人" }));
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

    /// <summary>Answers every search with the same hits, best score first, as an engine would.</summary>
    private sealed class CannedIndex(IReadOnlyList<OfferingHit> hits) : IOfferingIndex
    {
        public OfferingSearchRequest? LastRequest { get; private set; }

        public Task<OfferingSearchResult> SearchAsync(OfferingSearchRequest request, CancellationToken ct)
        {
            LastRequest = request;
            var ordered = hits.OrderByDescending(h => h.Score).Take(request.Limit).ToArray();
            return Task.FromResult(new OfferingSearchResult(ordered.Length, ordered, new Dictionary<string, IReadOnlyList<FacetCount>>(), null));
        }

        public Task EnsureCreatedAsync(CancellationToken ct) => Task.CompletedTask;
        public Task WriteAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct) => Task.CompletedTask;
        public Task<IIndexRebuild> BeginRebuildAsync(CancellationToken ct) => throw new NotSupportedException();
        public Task<bool> IsHealthyAsync(CancellationToken ct) => Task.FromResult(true);
    }
}
