using System.Diagnostics;
using Marketplace.Search.Analysis;

namespace Marketplace.Tests.Search;

/// <summary>
/// Single-thread segmentation throughput of <see cref="WordSegmenter"/> against jieba.NET on the
/// texts of 5,000 generated offerings (folded, as indexed). Run in Release:
/// <c>dotnet test Marketplace.Tests -c Release --filter FullyQualifiedName~WordSegmenterBenchmark --logger "console;verbosity=detailed"</c>.
/// </summary>
[Category(TestCategories.Manual)]
[Explicit("Measures segmentation speed; run by hand, in Release.")]
public class WordSegmenterBenchmark
{
    [Test]
    public void Characters_per_second_against_jieba()
    {
        var texts = JiebaReference.GeneratedTexts(5_000).Select(TextFolding.Fold).ToArray();
        var characters = texts.Sum(t => (long)t.Length);
        Func<string, List<Segment>> jieba = JiebaReference.Expected;
        Func<string, List<Segment>> ours = JiebaReference.Segmenter.Segment;
        Run(texts.Take(500), jieba);
        Run(texts.Take(500), ours);

        var best = new Dictionary<string, (double Seconds, double BytesPerCharacter)>
        {
            ["jieba.NET"] = (double.MaxValue, 0),
            ["WordSegmenter"] = (double.MaxValue, 0),
        };
        for (var round = 0; round < 3; round++)
        {
            foreach (var (name, segment) in new[] { ("jieba.NET", jieba), ("WordSegmenter", ours) })
            {
                GC.Collect();
                var (seconds, bytes) = Run(texts, segment);
                if (seconds < best[name].Seconds)
                {
                    best[name] = (seconds, (double)bytes / characters);
                }
            }
        }
        TestContext.Out.WriteLine($"{texts.Length} texts, {characters:N0} characters, best of 3 rounds, one thread:");
        foreach (var (name, (seconds, bytesPerCharacter)) in best)
        {
            TestContext.Out.WriteLine($"  {name,-14} {characters / seconds / 1e6,6:F2} M characters/s  {bytesPerCharacter,6:F0} bytes allocated per character");
        }
        var ratio = best["jieba.NET"].Seconds / best["WordSegmenter"].Seconds;
        TestContext.Out.WriteLine($"  speed-up {ratio:F1}x");
        Assert.That(ratio, Is.GreaterThan(1));
    }

    private static (double Seconds, long Bytes) Run(IEnumerable<string> texts, Func<string, List<Segment>> segment)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var words = 0;
        foreach (var text in texts)
        {
            words += segment(text).Count;
        }
        Assert.That(words, Is.GreaterThan(0));
        return (clock.Elapsed.TotalSeconds, GC.GetAllocatedBytesForCurrentThread() - allocated);
    }
}
