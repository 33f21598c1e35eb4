using Marketplace.Eval;

namespace Marketplace.Tests.Matching;

public sealed class RelevanceMetricsTests
{
    [Test]
    public void A_set_with_kinds_is_also_summarized_per_kind()
    {
        var data = new EvalDataset
        {
            Name = "set",
            Offerings = [],
            Demands = [],
            Qrels = new Dictionary<string, IReadOnlyDictionary<string, int>>
            {
                ["a"] = new Dictionary<string, int> { ["o1"] = 3 },
                ["b"] = new Dictionary<string, int> { ["o2"] = 3 },
                ["c"] = new Dictionary<string, int> { ["o3"] = 3 },
            },
            Kinds = new Dictionary<string, string> { ["a"] = "need", ["b"] = "symptom", ["c"] = "need" },
        };
        var summary = RelevanceMetrics.Summarize("set",
        [
            RelevanceMetrics.Score("a", ["o1"], data.Qrels["a"]),
            RelevanceMetrics.Score("b", ["o9", "o2"], data.Qrels["b"]),
            RelevanceMetrics.Score("c", [], data.Qrels["c"]),
        ]);

        var byKind = RelevanceMetrics.ByKind(data, summary).ToArray();

        Assert.That(byKind.Select(s => (s.Dataset, s.Items)), Is.EqualTo(new[] { ("set/need", 2), ("set/symptom", 1) }));
        Assert.That(byKind[0].Mrr, Is.EqualTo(0.5));
        Assert.That(byKind[1].Mrr, Is.EqualTo(0.5));
    }

    [Test]
    public void A_set_without_kinds_has_no_per_kind_summary()
    {
        var data = new EvalDataset { Name = "set", Offerings = [], Demands = [], Qrels = new Dictionary<string, IReadOnlyDictionary<string, int>>() };

        Assert.That(RelevanceMetrics.ByKind(data, RelevanceMetrics.Summarize("set", [])), Is.Empty);
    }
}
