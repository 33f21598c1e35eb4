using System.Text.Json;
using Marketplace.Core.Taxonomy;
using Marketplace.Tests.Matching;

namespace Marketplace.Tests.Taxonomy;

/// <summary>Measures inference on the shared development sets; run by hand, prints figures, tunes nothing.</summary>
[Category(TestCategories.Manual)]
[Explicit("Reads the shared development sets outside the repository; run by hand to measure")]
public class DirectionInferenceEvaluation
{
    /// <summary>The demands of each evaluation set (../shared/eval-dev* beside the repository, or MARKETPLACE_EVAL_DATA).</summary>
    private static IEnumerable<TestCaseData> DemandFiles() =>
        MatchingEvaluation.DatasetFolders()
            .Select(folder => Path.Combine(folder, "demands.jsonl"))
            .Where(File.Exists)
            .Select(path => new TestCaseData(path).SetArgDisplayNames(Path.GetFileName(Path.GetDirectoryName(path))!));

    [TestCaseSource(nameof(DemandFiles))]
    public void Top_direction_accuracy_on_demands_with_a_stated_direction(string path)
    {
        int total = 0, top1 = 0, top3 = 0, empty = 0;
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var direction = root.GetProperty("direction");
            var inferred = DirectionInference.Default.Infer(root.GetProperty("text").GetString()!);
            var summary = string.Join("; ", inferred.Select(i => $"{i.SubDirectionCode ?? i.DirectionCode} {i.Confidence:F2} [{string.Join(",", i.MatchedTerms)}]"));
            var expected = direction.ValueKind == JsonValueKind.String ? direction.GetString() : null;
            TestContext.Out.WriteLine($"{root.GetProperty("item").GetString()} expected={expected ?? "-"} -> {summary}");
            if (expected is null)
            {
                continue;
            }
            total++;
            empty += inferred.Count == 0 ? 1 : 0;
            top1 += inferred.Count > 0 && inferred[0].DirectionCode == expected ? 1 : 0;
            top3 += inferred.Any(i => i.DirectionCode == expected) ? 1 : 0;
        }
        TestContext.Out.WriteLine($"{path}: top-1 {top1}/{total}, in top-3 {top3}/{total}, empty {empty}");
        Assert.That(total, Is.GreaterThan(0));
    }
}
