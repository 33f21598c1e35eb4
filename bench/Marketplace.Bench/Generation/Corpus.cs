using Marketplace.Core.Taxonomy;

namespace Marketplace.Bench.Generation;

/// <summary>
/// Word material for synthetic Chinese text, built from the taxonomy (directions, technology items,
/// aliases, problems solved, districts) plus a small fixed vocabulary of effects and company names.
/// Everything is drawn from a seeded <see cref="Random"/>, so a run is reproducible.
/// </summary>
public sealed class Corpus
{
    public Corpus(TaxonomyCatalog taxonomy)
    {
        Taxonomy = taxonomy;
        SubDirections = taxonomy.SubDirections.OrderBy(s => s.Code, StringComparer.Ordinal).ToArray();
        Districts = taxonomy.Districts.Select(d => d.Name).ToArray();
        DistrictWeights = Districts.Select(d => UrbanCore.Contains(d) ? 4 : Industrial.Contains(d) ? 2 : 1).ToArray();
        // Some technology items are far more common in the pool than others (MES, energy, vision...):
        // a fixed, code-derived weight of 1..6 gives a skewed but deterministic spread.
        SubDirectionWeights = SubDirections.Select(s => 1 + StableHash(s.Code) % 6).ToArray();
    }

    public TaxonomyCatalog Taxonomy { get; }

    public IReadOnlyList<SubDirection> SubDirections { get; }

    public IReadOnlyList<string> Districts { get; }

    private int[] DistrictWeights { get; }

    private int[] SubDirectionWeights { get; }

    private static readonly HashSet<string> UrbanCore =
        ["渝北区", "两江新区", "九龙坡区", "沙坪坝区", "江北区", "南岸区", "巴南区", "北碚区", "西部科学城重庆高新区", "渝中区"];

    private static readonly HashSet<string> Industrial =
        ["璧山区", "江津区", "长寿区", "涪陵区", "永川区", "合川区", "万州区", "大足区", "荣昌区", "铜梁区", "綦江区", "万盛经开区"];

    public static readonly string[] NamePrefixes =
        ["渝", "巴渝", "嘉陵", "长江", "山城", "两江", "缙云", "歌乐", "朝天", "西永", "璧山", "金凤", "龙兴", "华岩", "鱼复", "茶园", "九龙", "鹿角", "双桥", "寸滩", "果园", "礼嘉", "悦来", "蔡家", "水土"];

    public static readonly string[] NameMiddles =
        ["智造", "智联", "数科", "工控", "精密", "自动化", "信息", "软件", "机电", "云计", "数智", "物联", "电气", "环保", "能源", "工业互联", "视觉", "机器人"];

    public static readonly string[] NameSuffixes = ["科技有限公司", "技术有限公司", "信息技术有限公司", "智能装备有限公司", "系统集成有限公司", "工程有限公司"];

    public static readonly string[] CustomerWords = ["机械", "汽车部件", "摩托车配件", "电子", "食品", "化工", "建材", "纺织", "冶金", "铸造", "包装", "制药", "家具", "陶瓷", "玻璃", "塑胶"];

    public static readonly string[] Effects =
    [
        "生产效率提升{0}%", "综合能耗降低{0}%", "产品不良率下降{0}%", "交付周期缩短{0}天", "人工成本减少{0}%", "设备综合效率（OEE）提升{0}%",
        "库存周转率提升{0}%", "设备故障停机减少{0}%", "单位产品电耗下降{0}%", "订单准时交付率提升到9{1}%", "一次合格率提高{0}%", "换型时间缩短{0}%",
    ];

    public static readonly string[] Approaches =
    [
        "现场调研后定制实施方案", "提供软硬件一体化交付", "采用模块化部署，按需选配", "与现有 MES、ERP 系统打通数据", "支持分期实施、小步快跑",
        "提供驻场工程师和远程运维", "支持 PLC、传感器数据采集", "基于 5G 和工业互联网平台", "提供操作培训和年度维保", "可对接重庆工业互联网标识解析节点",
    ];

    public static readonly string[] SmallFastLight = ["小快轻准", "轻量化", "低成本", "快速部署", "即插即用", "按年订阅", "免费试用一个月"];

    public static readonly string[] TitleTails = ["解决方案", "系统", "平台", "一体化方案", "改造方案", "服务", "整体解决方案", "智能化改造服务"];

    public static readonly string[] ZeroHitWords = ["区块链元宇宙", "量子通信卫星", "海洋渔业捕捞", "航空发动机叶片"];

    public SubDirection WeightedSubDirection(Random random) => SubDirections[Weighted(random, SubDirectionWeights)];

    public string District(Random random) => Districts[Weighted(random, DistrictWeights)];

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public static string PickOr(Random random, IReadOnlyList<string> items, string fallback) => items.Count == 0 ? fallback : items[random.Next(items.Count)];

    public Direction DirectionOf(SubDirection sub) => Taxonomy.FindDirection(sub.DirectionCode)!;

    /// <summary>An industry word for a sub-direction: one of its direction's aliases (e.g. 汽摩配件) or the direction's name.</summary>
    public string Industry(Random random, SubDirection sub)
    {
        var direction = DirectionOf(sub);
        return direction.Code == "general" ? Pick(random, CustomerWords) : PickOr(random, direction.Aliases, direction.Name);
    }

    public static string Effect(Random random) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Pick(random, Effects), random.Next(5, 45), random.Next(0, 9));

    public string CompanyName(Random random) => Pick(random, NamePrefixes) + Pick(random, NameMiddles) + Pick(random, NameSuffixes);

    public string CustomerName(Random random) => "重庆" + Pick(random, NamePrefixes) + Pick(random, CustomerWords) + (random.Next(2) == 0 ? "有限公司" : "股份有限公司");

    private static int Weighted(Random random, int[] weights)
    {
        var total = 0;
        foreach (var w in weights)
        {
            total += w;
        }
        var x = random.Next(total);
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s)
        {
            h = unchecked(h * 31 + c);
        }
        return h & int.MaxValue;
    }
}
