namespace Marketplace.Eval;

/// <summary>The measures of one demand item, from the top 10 offering keys the system returned.</summary>
public sealed record ItemScore(string Item, double Ndcg, double ReciprocalRank, double Recall, IReadOnlyList<string> Ranked);

public sealed record EvalSummary(string Dataset, int Items, double Ndcg, double Mrr, double Recall, IReadOnlyList<ItemScore> PerItem)
{
    public string Line => $"{Dataset}: nDCG@10 {Ndcg:0.000}  MRR {Mrr:0.000}  recall@10 {Recall:0.000}  ({Items} items)";
}

/// <summary>
/// nDCG@10, MRR and recall@10 as defined in <c>../shared/eval-dev/README.md</c>: gain 2^grade − 1 with
/// log2(rank + 1) discount, unjudged offerings grade 0; the reciprocal rank of the first grade-3 offering
/// in the top 10; the share of grade-2 and grade-3 offerings found in the top 10.
/// </summary>
public static class RelevanceMetrics
{
    public const int Depth = 10;

    public static ItemScore Score(string item, IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged)
    {
        var top = ranked.Take(Depth).ToArray();
        int Grade(string key) => judged.TryGetValue(key, out var g) ? g : 0;

        var dcg = top.Select((key, i) => Gain(Grade(key), i)).Sum();
        var idcg = judged.Values.OrderByDescending(g => g).Take(Depth).Select(Gain).Sum();
        var ndcg = idcg > 0 ? dcg / idcg : 0;

        var firstPerfect = Array.FindIndex(top, key => Grade(key) == 3);
        var rr = firstPerfect >= 0 ? 1.0 / (firstPerfect + 1) : 0;

        var relevant = judged.Where(kv => kv.Value >= 2).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        var recall = relevant.Count == 0 ? 1 : (double)top.Count(relevant.Contains) / relevant.Count;
        return new ItemScore(item, ndcg, rr, recall, top);
    }

    public static EvalSummary Summarize(string dataset, IReadOnlyList<ItemScore> items) =>
        items.Count == 0
            ? new EvalSummary(dataset, 0, 0, 0, 0, items)
            : new EvalSummary(dataset, items.Count, items.Average(i => i.Ndcg), items.Average(i => i.ReciprocalRank), items.Average(i => i.Recall), items);

    /// <summary>Scores every demand item of <paramref name="data"/> from the ranked offering keys per item (missing = nothing found).</summary>
    public static EvalSummary Evaluate(EvalDataset data, IReadOnlyDictionary<string, IReadOnlyList<string>> rankedKeys) =>
        Summarize(data.Name, data.Demands
            .Select(d => Score(d.Item, rankedKeys.GetValueOrDefault(d.Item) ?? [],
                data.Qrels.GetValueOrDefault(d.Item) ?? new Dictionary<string, int>()))
            .ToArray());

    /// <summary>One summary per kind of demand item (<c>kinds.tsv</c>), named <c>set/kind</c>; none when the set has no kinds.</summary>
    public static IEnumerable<EvalSummary> ByKind(EvalDataset data, EvalSummary summary) =>
        summary.PerItem
            .Where(i => data.Kinds.ContainsKey(i.Item))
            .GroupBy(i => data.Kinds[i.Item], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Summarize($"{summary.Dataset}/{g.Key}", g.ToArray()));

    /// <summary>The per-item lines of <c>--verbose</c>: measures and the top 10 with their grades.</summary>
    public static IEnumerable<string> Describe(EvalDataset data, EvalSummary summary)
    {
        foreach (var item in summary.PerItem)
        {
            var judged = data.Qrels.GetValueOrDefault(item.Item) ?? new Dictionary<string, int>();
            var ranked = string.Join(" ", item.Ranked.Select(k => $"{k}:{(judged.TryGetValue(k, out var g) ? g : 0)}"));
            var missing = string.Join(" ", judged.Where(kv => kv.Value >= 2 && !item.Ranked.Contains(kv.Key)).Select(kv => $"{kv.Key}:{kv.Value}"));
            yield return $"{item.Item}  nDCG {item.Ndcg:0.000}  RR {item.ReciprocalRank:0.00}  R {item.Recall:0.00}  | {ranked}" +
                (missing.Length > 0 ? $"  | missing {missing}" : "");
        }
    }

    private static double Gain(int grade, int index) => (Math.Pow(2, grade) - 1) / Math.Log2(index + 2);
}
