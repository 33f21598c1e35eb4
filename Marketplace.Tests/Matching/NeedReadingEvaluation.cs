using System.Text.Json;
using Marketplace.Core.Matching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;

namespace Marketplace.Tests.Matching;

/// <summary>
/// How well the need model reads the technology item of labelled sentences (JSON lines {"item","text"} in the file
/// MARKETPLACE_NEED_CORPUS): top-1 accuracy, the item within the first three, and MRR over the item readings.
/// </summary>
[TestFixture, Category(TestCategories.Manual), Explicit("Need-reading evaluation; needs a labelled corpus.")]
public sealed class NeedReadingEvaluation
{
    [Test]
    public void Prints_the_item_accuracy_of_the_corpus()
    {
        if (Environment.GetEnvironmentVariable("MARKETPLACE_NEED_CORPUS") is not { Length: > 0 } file)
        {
            Assert.Ignore("MARKETPLACE_NEED_CORPUS is not set.");
            return;
        }
        var model = NeedModel.Build(TaxonomyCatalog.Default, JiebaWordSegmentation.Default, JiebaWordKnowledge.Default);
        var weights = MatchingWeights.Default;
        var sentences = File.ReadLines(file).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (Item: e.GetProperty("item").GetString()!, Text: e.GetProperty("text").GetString()!)).ToArray();
        int top1 = 0, top3 = 0;
        double reciprocal = 0;
        var confusions = new Dictionary<(string, string), int>();
        foreach (var (item, text) in sentences)
        {
            var readings = model.Classify(text, null, max: weights.MaxRelatedItems, minShare: weights.RelatedMinShare, weights.RequestWeight);
            var rank = readings.Select(r => r.Code).ToList().IndexOf(item);
            top1 += rank == 0 ? 1 : 0;
            top3 += rank is >= 0 and < 3 ? 1 : 0;
            reciprocal += rank >= 0 ? 1.0 / (rank + 1) : 0;
            if (rank != 0 && readings.Count > 0)
            {
                confusions[(item, readings[0].Code)] = confusions.GetValueOrDefault((item, readings[0].Code)) + 1;
            }
        }
        TestContext.Out.WriteLine($"need reading: {sentences.Length} sentences  top-1 {top1 / (double)sentences.Length:0.000}  top-3 {top3 / (double)sentences.Length:0.000}  MRR {reciprocal / sentences.Length:0.000}");
        foreach (var ((item, read), count) in confusions.OrderByDescending(kv => kv.Value).Take(15))
        {
            TestContext.Out.WriteLine($"  {item} read as {read}: {count}");
        }
        Assert.That(sentences, Is.Not.Empty);
    }
}
