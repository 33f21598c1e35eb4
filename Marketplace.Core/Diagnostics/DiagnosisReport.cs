using Marketplace.Core.Common;
using Marketplace.Core.Demands;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Diagnostics;

public static class DiagnosisStatuses
{
    /// <summary>Assigned to an assessor; no report submitted yet.</summary>
    public const string Assigned = "assigned";

    /// <summary>A report version is submitted and waits for the enterprise.</summary>
    public const string Submitted = "submitted";

    /// <summary>The enterprise accepted the latest version's demand list.</summary>
    public const string Accepted = "accepted";

    public static IReadOnlyList<string> Codes { get; } = [Assigned, Submitted, Accepted];
}

/// <summary>What an assessor sends as the report draft.</summary>
public sealed record ReportInput(string? Summary, IReadOnlyList<ScoreInput?>? Scores, IReadOnlyList<FindingInput?>? Findings,
    IReadOnlyList<RecommendationInput?>? Recommendations);

public sealed record ScoreInput(string? Dimension, int? Level, string? Note);

public sealed record FindingInput(string? Dimension, string? Text, string? Severity, string? Direction, string? SubDirection);

/// <param name="Finding">The 1-based number of the finding this recommendation answers.</param>
public sealed record RecommendationInput(int? Finding, string? Text, long? BudgetYuan, int? WithinDays);

/// <summary>A report's content: what the draft holds and, once submitted, what the version keeps unchanged.</summary>
public sealed record ReportContent(string? Summary, IReadOnlyList<DimensionScore> Scores, IReadOnlyList<Finding> Findings, IReadOnlyList<Recommendation> Recommendations);

public sealed record DimensionScore(string Dimension, int Level, string? Note);

public sealed record Finding(int Number, string? Dimension, string Text, string Severity, string Direction, string? SubDirection);

/// <param name="DemandItemId">The demand item made from this recommendation (set when the version is submitted).</param>
public sealed record Recommendation(int Number, int Finding, string Text, long? BudgetYuan, int? WithinDays, Guid? DemandItemId);

/// <summary>Checks report drafts (structure) and reports to submit (completeness) against the diagnostic model and the taxonomy.</summary>
public static class ReportValidation
{
    public const int SummaryMax = 2_000;
    public const int NoteMax = 500;
    public const int FindingsMax = 50;
    public const int FindingTextMax = 1_000;

    /// <summary>Validates a draft's structure: known dimensions once each, levels in range, findings with a direction, recommendations that name a finding.</summary>
    public static ReportContent Validate(ReportInput? input, DiagnosticModel model, TaxonomyCatalog taxonomy)
    {
        var v = new Validator();
        if (input is null)
        {
            v.Add("body", "请求体不能为空 (a JSON body is required).");
            v.ThrowIfAny();
        }
        var summary = string.IsNullOrWhiteSpace(input!.Summary) ? null : input.Summary.Trim();
        v.Text("summary", summary, SummaryMax);

        var scores = new List<DimensionScore>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var scoreInputs = input.Scores ?? [];
        if (scoreInputs.Count > model.Dimensions.Count)
        {
            v.Add("scores", $"最多 {model.Dimensions.Count} 项评分，每个维度一项 (one score per dimension).");
        }
        for (var n = 0; n < scoreInputs.Count; n++)
        {
            var field = $"scores[{n}]";
            var s = scoreInputs[n];
            if (s is null)
            {
                v.Add(field, "必填 (required).");
                continue;
            }
            var dimension = s.Dimension?.Trim();
            if (v.Required($"{field}.dimension", dimension))
            {
                if (model.FindDimension(dimension!) is null)
                {
                    v.Add($"{field}.dimension", $"未知的诊断维度 '{dimension}' (one of: {string.Join(", ", model.Dimensions.Select(d => d.Code))}; see GET /api/v1/diagnoses/model).");
                }
                else if (!seen.Add(dimension!))
                {
                    v.Add($"{field}.dimension", $"维度 '{dimension}' 重复评分 (each dimension is scored once).");
                }
            }
            if (v.Required($"{field}.level", s.Level))
            {
                v.Range($"{field}.level", s.Level, model.MinLevel, model.MaxLevel);
            }
            var note = string.IsNullOrWhiteSpace(s.Note) ? null : s.Note.Trim();
            v.Text($"{field}.note", note, NoteMax);
            scores.Add(new DimensionScore(dimension ?? "", s.Level ?? 0, note));
        }

        var findings = new List<Finding>();
        var findingInputs = input.Findings ?? [];
        if (findingInputs.Count > FindingsMax)
        {
            v.Add("findings", $"最多 {FindingsMax} 条问题 (at most {FindingsMax} findings).");
        }
        for (var n = 0; n < findingInputs.Count; n++)
        {
            var field = $"findings[{n}]";
            var f = findingInputs[n];
            if (f is null)
            {
                v.Add(field, "必填 (required).");
                continue;
            }
            var dimension = string.IsNullOrWhiteSpace(f.Dimension) ? null : f.Dimension.Trim();
            if (dimension is not null && model.FindDimension(dimension) is null)
            {
                v.Add($"{field}.dimension", $"未知的诊断维度 '{dimension}' (see GET /api/v1/diagnoses/model).");
            }
            var text = f.Text?.Trim();
            if (v.Required($"{field}.text", text))
            {
                v.Text($"{field}.text", text, FindingTextMax);
            }
            var severity = f.Severity?.Trim();
            if (v.Required($"{field}.severity", severity) && !model.IsSeverity(severity!))
            {
                v.Add($"{field}.severity", $"未知的严重程度 '{severity}' (one of: {string.Join(", ", model.Severities.Select(s => s.Code))}).");
            }
            var (direction, subDirection) = TaxonomyChecks.Single(taxonomy, v, field, f.Direction, f.SubDirection);
            if (direction is null && subDirection is null)
            {
                v.Add($"{field}.direction", "问题需指明所涉重点方向或技术方向 (name the annex direction or technology item the finding concerns).");
            }
            findings.Add(new Finding(n + 1, dimension, text ?? "", severity ?? "", direction ?? "", subDirection));
        }

        var recommendations = new List<Recommendation>();
        var recommendationInputs = input.Recommendations ?? [];
        if (recommendationInputs.Count > DemandStore.MaxItems)
        {
            v.Add("recommendations", $"最多 {DemandStore.MaxItems} 条建议，每条成为需求清单的一项 (at most {DemandStore.MaxItems}: each becomes a demand item).");
        }
        for (var n = 0; n < recommendationInputs.Count; n++)
        {
            var field = $"recommendations[{n}]";
            var r = recommendationInputs[n];
            if (r is null)
            {
                v.Add(field, "必填 (required).");
                continue;
            }
            if (v.Required($"{field}.finding", r.Finding) && (r.Finding < 1 || r.Finding > findingInputs.Count))
            {
                v.Add($"{field}.finding", findingInputs.Count == 0
                    ? "报告中还没有问题（findings），建议须针对其中一个 (the report has no findings yet: a recommendation answers one of them)."
                    : $"应为所针对问题的序号 1–{findingInputs.Count} (the 1-based number of the finding it answers).");
            }
            var text = r.Text?.Trim();
            if (v.Required($"{field}.text", text))
            {
                v.Text($"{field}.text", text, DemandStore.TextMax);
            }
            v.Budget($"{field}.budgetYuan", r.BudgetYuan);
            v.Range($"{field}.withinDays", r.WithinDays, 1, Limits.MaxDays);
            recommendations.Add(new Recommendation(n + 1, r.Finding ?? 0, text ?? "", r.BudgetYuan, r.WithinDays, null));
        }
        v.ThrowIfAny();
        return new ReportContent(summary, scores, findings, recommendations);
    }

    /// <summary>A report to submit scores every dimension and has at least one finding and one recommendation.</summary>
    public static void RequireComplete(ReportContent content, DiagnosticModel model)
    {
        var v = new Validator();
        var missing = model.Dimensions.Where(d => content.Scores.All(s => s.Dimension != d.Code)).Select(d => $"{d.Code} {d.Name}").ToArray();
        if (missing.Length > 0)
        {
            v.Add("scores", $"提交前须为每个维度评分，缺少：{string.Join("、", missing)} (every dimension must be scored before submitting).");
        }
        if (content.Findings.Count == 0)
        {
            v.Add("findings", "提交前至少记录一条问题 (at least one finding).");
        }
        if (content.Recommendations.Count == 0)
        {
            v.Add("recommendations", "提交前至少给出一条建议，建议将成为企业的需求清单 (at least one recommendation; they become the enterprise's demand list).");
        }
        v.ThrowIfAny();
    }
}
