using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Tests.Search;

/// <summary>Seeded synthetic offering documents built from the taxonomy, for index tests and the CPU benchmark.</summary>
internal static class SyntheticOfferings
{
    public static readonly string[] Phrases =
    [
        "提高生产效率", "降低能耗", "质量追溯", "设备联网", "数据采集", "MES", "AGV", "5G专网", "PLC改造", "数字孪生",
        "视觉检测", "预测性维护", "能源管理", "仓储物流", "工艺优化", "安全生产", "排产计划", "智能仓储", "SMT贴片", "焊接机器人",
        "老师傅退休", "订单交期", "库存积压", "人工成本高", "返工率", "电费太贵", "招工难", "中小企业", "上云", "轻量化",
    ];

    public static IEnumerable<OfferingDocument> Create(int count)
    {
        var random = new Random(42);
        var taxonomy = TaxonomyCatalog.Default;
        var subDirections = taxonomy.SubDirections.ToArray();
        var districts = taxonomy.Districts.Select(d => d.Name).ToArray();
        string[] types = ["solution", "tool", "service", "hardware"];
        string[] deployments = ["saas", "private", "on-premise", "hybrid"];
        var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Guid NextGuid()
        {
            Span<byte> bytes = stackalloc byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }
        string Pick(IReadOnlyList<string> list, string fallback) => list.Count == 0 ? fallback : list[random.Next(list.Count)];
        string Words(SubDirection sub, int n) => string.Concat(Enumerable.Range(0, n).Select(_ => random.Next(3) switch
        {
            0 => Phrases[random.Next(Phrases.Length)],
            1 => Pick(sub.Problems, sub.Name),
            _ => Pick(sub.Aliases, sub.Name),
        } + "，"));
        for (var i = 0; i < count; i++)
        {
            var sub = subDirections[random.Next(subDirections.Length)];
            var second = random.Next(4) == 0 ? subDirections[random.Next(subDirections.Length)] : null;
            string[] subCodes = second is null || second.Code == sub.Code ? [sub.Code] : [sub.Code, second.Code];
            yield return new OfferingDocument
            {
                Id = NextGuid(),
                Version = 1,
                Live = true,
                RevisionId = NextGuid(),
                Title = $"{Pick(sub.Aliases, sub.Name)}{Phrases[random.Next(Phrases.Length)]}解决方案",
                Summary = Words(sub, 3) + "适用于中小企业",
                Description = Words(sub, 10) + $"已在{districts[random.Next(districts.Length)]}落地实施。",
                Keywords = [sub.Name, Phrases[random.Next(Phrases.Length)], Pick(sub.Aliases, sub.Name)],
                Cases = [$"{districts[random.Next(districts.Length)]}某企业 2024 {Words(sub, 2)}"],
                SupplierName = $"重庆第{i % 500}科技有限公司",
                Directions = subCodes.Select(c => c[..c.IndexOf('.')]).Distinct().ToArray(),
                SubDirections = subCodes,
                Type = types[random.Next(types.Length)],
                Deployment = deployments[random.Next(deployments.Length)],
                Districts = random.Next(3) == 0 ? ["全市"] : [districts[random.Next(districts.Length)], districts[random.Next(districts.Length)]],
                PriceMinYuan = random.Next(1, 100) * 5_000L,
                PriceMaxYuan = 1_000_000,
                ImplementationDays = random.Next(7, 365),
                PublishedAt = epoch.AddMinutes(-random.Next(1_000_000)),
            };
        }
    }
}
