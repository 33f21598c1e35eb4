using System.Globalization;
using System.Text;
using System.Text.Json;
using Marketplace.Bench.Generation;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Bench.Searching;

/// <summary>
/// The second query mix (issue 10): what people actually type. A quarter are owners' sentences (30–150 characters,
/// colloquial, mostly everyday words outside the taxonomy), about 40 % catalog titles, a quarter single keywords and a
/// tenth queries of the taxonomy mix (<see cref="QueryMix"/>); a third carry a direction, district or price filter.
/// When an eval folder is given (<c>--eval ../shared</c>), the eval sets' demand texts, offering titles and keywords are
/// read from it at run time and make up part of the sentences, titles and keywords (nothing of them is copied into
/// this code); the rest is generated from the vocabulary below. Seeded: the same arguments give the same mix.
/// </summary>
public static class RealLanguageMix
{
    private static readonly string[] Openers =
    [
        "我们厂不大，", "厂里就三十来个人，", "我家是做{product}的小厂，", "开了个{product}加工作坊，", "老板让我来问问，", "我们是家族企业，",
        "在{district}做{product}十几年了，", "去年刚搬了新厂房，", "说实话我不太懂这些，", "朋友推荐来这里看看，", "",
    ];

    private static readonly string[] Pains =
    [
        "{people}越来越难招", "{people}一走就没人会弄", "{thing}老是出问题", "每个月{cost}要花好几万", "{record}全靠手写在本子上",
        "客户催货催得紧", "仓库里东西经常找不到", "月底对账总是对不上", "晚上经常加班到十一二点", "机器一坏就要停好几天",
        "夏天车间热得受不了", "年轻人不愿意来上班", "原料价格涨得厉害", "电费一年比一年高", "不知道钱到底花到哪里去了",
        "{thing}用了十多年，毛病越来越多", "出了次品也查不出是哪一批", "订单一多就乱套", "送货经常送错地址", "老顾客慢慢都跑了",
        "{record}用表格记，改来改去容易出错", "师傅凭经验调，每次都不一样", "客户投诉说{product}不好用", "库存压了一大堆卖不掉",
    ];

    private static readonly string[] Wants =
    [
        "想找个便宜点的办法", "有没有现成的软件可以直接用", "最好能在手机上看", "能不能装在老机器上用", "不想花大钱折腾",
        "想看看别人是怎么弄的", "最好有人上门来教", "想先试用一下再说", "能不能按月交钱", "希望简单好用，工人一学就会",
        "想把这块先弄清楚", "有没有靠谱的公司推荐一下", "想少用几个人", "想让{record}自动出来",
    ];

    private static readonly string[] Budgets =
    [
        "预算{n}万左右", "钱不多，{n}万以内", "下个月就要用上", "年底前要搞定", "最好两周内能装好", "花个{n}万能接受", "",
    ];

    private static readonly string[] Products =
    [
        "火锅底料", "五金件", "塑料盆", "门窗", "瓷砖", "挂面", "辣椒酱", "工作服", "皮鞋", "实木家具", "螺丝", "轴承", "电线", "纸箱",
        "中药材", "茶叶", "白酒", "豆瓣酱", "榨菜", "坐垫", "水泥砖", "玻璃杯", "卤菜", "蛋糕", "饲料", "化肥", "油漆", "铝合金窗",
    ];

    private static readonly string[] People = ["老师傅", "工人", "年轻人", "会计", "仓管", "司机", "销售", "质检员", "电工", "学徒"];

    private static readonly string[] Things = ["机器", "冷库", "锅炉", "叉车", "空压机", "烤箱", "电梯", "水泵", "打印机", "货架", "摄像头", "电表"];

    private static readonly string[] Costs = ["电费", "水费", "运费", "房租", "人工", "维修费", "燃气费", "原料钱"];

    private static readonly string[] Records = ["出货单", "工资", "考勤", "库存", "报销", "排班", "订单", "配方", "进货账", "欠款"];

    private static readonly string[] TitlePrefixes =
        ["小微工厂", "门店", "作坊", "家庭农场", "加工厂", "餐饮连锁", "社区超市", "物流车队", "小型仓库", "农产品合作社", "汽修店", "印刷厂"];

    private static readonly string[] TitleObjects =
    [
        "进货记账", "排班考勤", "订单跟单", "库存盘点", "客户回访", "手机报工", "扫码出库", "冷库温度提醒", "配方管理", "电表抄表",
        "工资计算", "送货路线", "来料登记", "次品登记", "员工培训", "账款催收", "安全巡查", "车辆调度", "电子合同", "报价单",
    ];

    private static readonly string[] TitleTails = ["小程序", "云平台", "管理软件", "一体机", "服务包", "工具箱", "套件", "助手", "看板", "系统"];

    private static readonly string[] EverydayKeywords =
    [
        "记账", "考勤", "电费", "扫码", "仓库", "报表", "手机", "摄像头", "温度", "称重", "打标签", "排班", "对账", "发票", "工资",
        "送货", "冷库", "叉车", "监控", "培训", "招工", "节电", "防火", "漏水", "打包", "快递", "微信", "表格", "二维码", "录像",
    ];

    /// <summary>The mix: <paramref name="count"/> queries, <paramref name="seed"/> fixed, eval texts from <paramref name="evalRoot"/> when given.</summary>
    public static IReadOnlyList<BenchQuery> Create(int count, int seed, string? evalRoot)
    {
        var random = new Random(seed);
        var corpus = new Corpus(TaxonomyCatalog.Default);
        var taxonomy = TaxonomyCatalog.Default;
        var eval = EvalTexts.Load(evalRoot);
        var taxonomyMix = QueryMix.Create(Math.Max(1, count / 10), seed + 1);
        var taxonomyWords = taxonomy.SubDirections.SelectMany(s => s.Aliases.Prepend(s.Name)).Where(w => w.Length <= 8).Distinct().ToArray();
        var queries = new List<BenchQuery>(count);
        var fromTaxonomyMix = 0;
        for (var i = 0; i < count; i++)
        {
            var roll = random.NextDouble();
            if (roll < 0.10)
            {
                queries.Add(taxonomyMix[fromTaxonomyMix++ % taxonomyMix.Count]);
                continue;
            }
            string kind, text;
            if (roll < 0.35)
            {
                kind = "sentence";
                text = eval.Sentences.Count > 0 && random.Next(3) == 0 ? Corpus.Pick(random, eval.Sentences) : Sentence(random, corpus);
            }
            else if (roll < 0.75)
            {
                kind = "title";
                text = eval.Titles.Count > 0 && random.Next(3) == 0 ? Corpus.Pick(random, eval.Titles) : Title(random, corpus);
            }
            else
            {
                kind = "keyword";
                var pick = random.Next(3);
                text = pick == 0 && eval.Keywords.Count > 0 ? Corpus.Pick(random, eval.Keywords)
                    : pick == 1 ? Corpus.Pick(random, taxonomyWords)
                    : Corpus.Pick(random, EverydayKeywords);
            }
            var request = Filtered(random, corpus, text);
            queries.Add(new BenchQuery(kind, request, QueryMix.PathOf(request)));
        }
        return queries;
    }

    /// <summary>An owner's sentence of 30–150 characters: who, one to three pains, what they want, sometimes money or time.</summary>
    public static string Sentence(Random random, Corpus corpus)
    {
        while (true)
        {
            var s = new StringBuilder(Fill(random, corpus, Corpus.Pick(random, Openers)));
            var pains = random.Next(1, 4);
            for (var p = 0; p < pains; p++)
            {
                s.Append(Fill(random, corpus, Corpus.Pick(random, Pains))).Append('，');
            }
            s.Append(Fill(random, corpus, Corpus.Pick(random, Wants)));
            var budget = Fill(random, corpus, Corpus.Pick(random, Budgets));
            if (budget.Length > 0)
            {
                s.Append('，').Append(budget);
            }
            s.Append(random.Next(3) == 0 ? "？" : "。");
            if (s.Length is >= 30 and <= 150)
            {
                return s.ToString();
            }
        }
    }

    /// <summary>A catalog title in the style of the eval sets: who it is for, what it does, what it is.</summary>
    public static string Title(Random random, Corpus corpus) => random.Next(4) switch
    {
        0 => $"{Corpus.Pick(random, TitlePrefixes)}{Corpus.Pick(random, TitleObjects)}{Corpus.Pick(random, TitleTails)}",
        1 => $"{Corpus.Pick(random, TitleObjects)}与{Corpus.Pick(random, TitleObjects)}{Corpus.Pick(random, TitleTails)}",
        2 => $"面向{Corpus.Pick(random, TitlePrefixes)}的{Corpus.Pick(random, TitleObjects)}{Corpus.Pick(random, TitleTails)}",
        _ => $"{Corpus.Pick(random, Products)}{Corpus.Pick(random, TitleObjects)}{Corpus.Pick(random, TitleTails)}",
    };

    private static string Fill(Random random, Corpus corpus, string template) => template
        .Replace("{product}", Corpus.Pick(random, Products), StringComparison.Ordinal)
        .Replace("{district}", corpus.District(random), StringComparison.Ordinal)
        .Replace("{people}", Corpus.Pick(random, People), StringComparison.Ordinal)
        .Replace("{thing}", Corpus.Pick(random, Things), StringComparison.Ordinal)
        .Replace("{cost}", Corpus.Pick(random, Costs), StringComparison.Ordinal)
        .Replace("{record}", Corpus.Pick(random, Records), StringComparison.Ordinal)
        .Replace("{n}", random.Next(1, 60).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>A third carry a direction, a district or a price ceiling (sometimes two); sorted by relevance mostly; facets and highlights on.</summary>
    private static OfferingSearchRequest Filtered(Random random, Corpus corpus, string text)
    {
        var filtered = random.NextDouble() < 1.0 / 3;
        var which = random.Next(4);
        var sort = random.Next(20);
        return new OfferingSearchRequest
        {
            Text = text,
            Directions = filtered && which is 0 or 3 ? [Corpus.Pick(random, corpus.Taxonomy.Directions).Code] : [],
            District = filtered && which is 1 or 3 ? corpus.District(random) : null,
            MaxPriceYuan = filtered && which == 2 ? Corpus.Pick(random, new long[] { 30_000, 100_000, 300_000, 1_000_000 }) : null,
            Sort = sort == 0 ? SearchSort.Newest : sort == 1 ? SearchSort.PriceAsc : SearchSort.Relevance,
            Limit = 20,
            Offset = random.NextDouble() < 0.05 ? 20 : 0,
            IncludeFacets = true,
            Highlight = true,
        };
    }

    /// <summary>Demand texts, offering titles and keywords of the eval sets under a folder (<c>eval-*/demands.jsonl</c>, <c>offerings.jsonl</c>).</summary>
    public sealed record EvalTexts(IReadOnlyList<string> Sentences, IReadOnlyList<string> Titles, IReadOnlyList<string> Keywords)
    {
        public static EvalTexts Load(string? root)
        {
            if (root is null || !Directory.Exists(root))
            {
                return new EvalTexts([], [], []);
            }
            var sentences = new List<string>();
            var titles = new List<string>();
            var keywords = new List<string>();
            foreach (var folder in Directory.EnumerateDirectories(root, "eval-*").Order(StringComparer.Ordinal))
            {
                foreach (var line in Lines(Path.Combine(folder, "demands.jsonl")))
                {
                    if (line.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } t)
                    {
                        sentences.Add(t);
                    }
                }
                foreach (var line in Lines(Path.Combine(folder, "offerings.jsonl")))
                {
                    if (line.TryGetProperty("title", out var title) && title.GetString() is { Length: > 0 } t)
                    {
                        titles.Add(t);
                    }
                    if (line.TryGetProperty("keywords", out var words) && words.ValueKind == JsonValueKind.Array)
                    {
                        keywords.AddRange(words.EnumerateArray().Select(w => w.GetString()).OfType<string>());
                    }
                }
            }
            return new EvalTexts(sentences.Distinct().ToList(), titles.Distinct().ToList(), keywords.Distinct().ToList());
        }

        private static IEnumerable<JsonElement> Lines(string path) => File.Exists(path)
            ? File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())
            : [];
    }
}
