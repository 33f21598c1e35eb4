using System.Globalization;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Matching;

/// <summary>
/// Ranks live offerings for one demand item: text relevance from the search engine (with the thesaurus and
/// the technology items inferred from the text) combined with structured fit — direction, budget, time,
/// district and a preference for 小快轻准 offerings for small enterprises — and explains each match.
/// </summary>
public sealed class DemandMatcher(IOfferingIndex index, DirectionInference inference, TaxonomyCatalog taxonomy)
{
    public const int MaxTopK = 50;

    public async Task<DemandMatchResult> MatchAsync(DemandQuery query, int topK, CancellationToken ct)
    {
        var inferred = inference.Infer(query.Text);
        var boost = inferred
            .Select(i => i.SubDirectionCode is { } code ? taxonomy.FindSubDirection(code) : null)
            .OfType<SubDirection>()
            .SelectMany(s => s.Aliases.Append(s.Name))
            .Distinct()
            .Select(t => new WeightedTerm(t, 0.5f))
            .ToArray();
        var result = await index.SearchAsync(new OfferingSearchRequest
        {
            Text = query.Text,
            BoostTerms = boost,
            Limit = Math.Max(100, topK * 5),
            IncludeFacets = false,
            Highlight = false,
        }, ct);
        var best = result.Hits.Count == 0 ? 1 : Math.Max(result.Hits.Max(h => h.Score), 1e-9);
        var wantedDirections = query.Direction is not null
            ? [query.Direction]
            : inferred.Select(i => i.DirectionCode).ToArray();
        var matches = result.Hits.Select(hit =>
        {
            var reasons = new List<MatchReason>();
            var text = hit.Score / best;
            reasons.Add(new MatchReason(MatchReasonKinds.Text, text >= 0.5, $"文本相关度 {text:0.00}"));
            var fit = 0.0;
            if (wantedDirections.Length > 0)
            {
                var ok = hit.Directions.Intersect(wantedDirections).Any();
                reasons.Add(new MatchReason(query.Direction is null ? MatchReasonKinds.InferredDirection : MatchReasonKinds.Direction, ok,
                    ok ? $"属于{string.Join("、", wantedDirections.Select(DirectionName))}方向" : $"不属于{string.Join("、", wantedDirections.Select(DirectionName))}方向"));
                fit += ok ? 0.15 : 0;
            }
            if (query.BudgetYuan is { } budget)
            {
                var ok = hit.PriceMinYuan <= budget;
                reasons.Add(new MatchReason(MatchReasonKinds.Budget, ok, ok
                    ? $"最低报价{Yuan(hit.PriceMinYuan)}，在预算{Yuan(budget)}以内"
                    : $"最低报价{Yuan(hit.PriceMinYuan)}，超出预算{Yuan(budget)}"));
                fit += ok ? 0.1 : 0;
            }
            if (query.WithinDays is { } days)
            {
                var ok = hit.ImplementationDays <= days;
                reasons.Add(new MatchReason(MatchReasonKinds.Time, ok, ok
                    ? $"实施周期{hit.ImplementationDays}天，满足{days}天内完成"
                    : $"实施周期{hit.ImplementationDays}天，超过要求的{days}天"));
                fit += ok ? 0.1 : 0;
            }
            var served = TaxonomyCatalog.Serves(hit.Districts, query.Enterprise.District);
            reasons.Add(new MatchReason(MatchReasonKinds.District, served, served ? $"服务{query.Enterprise.District}" : $"不服务{query.Enterprise.District}"));
            fit += served ? 0.05 : 0;
            var score = Math.Clamp(0.6 * text + fit, 0, 1);
            return new OfferingMatch(hit.Id, hit.RevisionId, hit.Title, Guid.Empty, hit.SupplierName, Math.Round(score, 4), reasons, hit.MatchedTerms);
        })
        .OrderByDescending(m => m.Score)
        .Take(Math.Clamp(topK, 1, MaxTopK))
        .ToArray();
        return new DemandMatchResult(inferred, matches);
    }

    private string DirectionName(string code) => taxonomy.FindDirection(code)?.Name ?? code;

    /// <summary>Amounts as people say them: 8000元, 5万元, 1.2亿元.</summary>
    public static string Yuan(long amount) => amount switch
    {
        >= 100_000_000 => (amount / 100_000_000m).ToString("0.##", CultureInfo.InvariantCulture) + "亿元",
        >= 10_000 => (amount / 10_000m).ToString("0.##", CultureInfo.InvariantCulture) + "万元",
        _ => amount.ToString(CultureInfo.InvariantCulture) + "元",
    };
}
