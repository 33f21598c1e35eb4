using System.Diagnostics;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Lucene;

namespace Marketplace.Tests.Search;

/// <summary>Rebuild throughput and search latency at 100,000 synthetic offerings. Run by hand.</summary>
[Explicit("Takes about a minute and a few hundred MB; run by hand to check performance.")]
public class LucenePerformanceTests
{
    private const int DocumentCount = 100_000;

    [Test]
    public async Task Rebuild_and_search_with_facets_at_100k_documents()
    {
        var root = Directory.CreateTempSubdirectory("marketplace-lucene-perf-").FullName;
        try
        {
            await using var index = new LuceneOfferingIndex(new LuceneIndexOptions { IndexDirectory = root }, Thesaurus.Default, TaxonomyCatalog.Default);
            await index.EnsureCreatedAsync(CancellationToken.None);
            var documents = Synthetic(DocumentCount).ToList();

            var clock = Stopwatch.StartNew();
            await using (var rebuild = await index.BeginRebuildAsync(CancellationToken.None))
            {
                foreach (var batch in documents.Chunk(2_000))
                {
                    await rebuild.AddAsync(batch, CancellationToken.None);
                }
                await rebuild.SwapAsync(CancellationToken.None);
            }
            var perSecond = DocumentCount / clock.Elapsed.TotalSeconds;
            TestContext.Out.WriteLine($"rebuild: {DocumentCount} docs in {clock.Elapsed.TotalSeconds:F1} s = {perSecond:F0} docs/s");

            var requests = new OfferingSearchRequest[]
            {
                new(),
                new() { Text = "焊接机器人" },
                new() { Text = "MES 制造执行系统 数据采集" },
                new() { Text = "我们工厂需要提高数控车床的加工效率，降低能耗", Directions = ["machinery"], District = "渝北区" },
                new() { Directions = ["machinery", "electronics"], Type = "solution", Sort = SearchSort.PriceAsc },
                new() { Text = "AGV", Deployment = "saas", MaxPriceYuan = 200_000, Sort = SearchSort.Newest },
            };
            foreach (var request in requests)
            {
                await index.SearchAsync(request, CancellationToken.None); // background merges after the swap settle meanwhile
            }
            foreach (var request in requests.SelectMany(r => new[] { r, r with { IncludeFacets = false } }))
            {
                var timings = new List<double>();
                OfferingSearchResult? result = null;
                for (var i = 0; i < 60; i++)
                {
                    var watch = Stopwatch.StartNew();
                    result = await index.SearchAsync(request, CancellationToken.None);
                    timings.Add(watch.Elapsed.TotalMilliseconds);
                }
                var sorted = timings.Skip(10).Order().ToList();
                TestContext.Out.WriteLine(
                    $"search '{request.Text}' dirs={string.Join('+', request.Directions)} sort={request.Sort} facets={request.IncludeFacets}: total={result!.Total} " +
                    $"median={sorted[sorted.Count / 2]:F2} ms p90={sorted[(int)(sorted.Count * 0.9)]:F2} ms");
            }
            Assert.That(perSecond, Is.GreaterThan(1_000));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static IEnumerable<OfferingDocument> Synthetic(int count)
    {
        var random = new Random(42);
        var taxonomy = TaxonomyCatalog.Default;
        var subDirections = taxonomy.SubDirections.ToArray();
        var districts = taxonomy.Districts.Select(d => d.Name).ToArray();
        string[] types = ["solution", "tool", "service", "hardware"];
        string[] deployments = ["saas", "private", "on-premise", "hybrid"];
        string[] phrases =
        [
            "提高生产效率", "降低能耗", "质量追溯", "设备联网", "数据采集", "MES", "AGV", "5G专网", "PLC改造", "数字孪生",
            "视觉检测", "预测性维护", "能源管理", "仓储物流", "工艺优化", "安全生产", "排产计划", "智能仓储", "SMT贴片", "焊接机器人",
        ];
        string Words(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => phrases[random.Next(phrases.Length)] + "，"));
        for (var i = 0; i < count; i++)
        {
            var sub = subDirections[random.Next(subDirections.Length)];
            yield return new OfferingDocument
            {
                Id = Guid.NewGuid(),
                Version = 1,
                Live = true,
                RevisionId = Guid.NewGuid(),
                Title = $"{sub.Name}{sub.Aliases.ElementAtOrDefault(random.Next(Math.Max(1, sub.Aliases.Count))) ?? ""}解决方案",
                Summary = Words(4) + "适用于中小企业",
                Description = Words(12) + $"已在{districts[random.Next(districts.Length)]}落地实施。",
                Keywords = [sub.Name, phrases[random.Next(phrases.Length)]],
                Cases = [$"{districts[random.Next(districts.Length)]}某企业 2024 {Words(2)}"],
                SupplierName = $"重庆第{i % 500}科技有限公司",
                Directions = [sub.DirectionCode],
                SubDirections = [sub.Code],
                Type = types[random.Next(types.Length)],
                Deployment = deployments[random.Next(deployments.Length)],
                Districts = random.Next(3) == 0 ? ["全市"] : [districts[random.Next(districts.Length)], districts[random.Next(districts.Length)]],
                PriceMinYuan = random.Next(1, 100) * 5_000L,
                PriceMaxYuan = 1_000_000,
                ImplementationDays = random.Next(7, 365),
                PublishedAt = DateTimeOffset.UtcNow.AddMinutes(-random.Next(1_000_000)),
            };
        }
    }
}
