using System.Collections.Concurrent;
using System.Globalization;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Matching;

/// <summary>
/// Ranks live offerings for one demand item and explains each match.
/// </summary>
/// <remarks>
/// <para>1. <b>Retrieve</b> up to <see cref="CandidateCount"/> candidates from the search index: the demand's own
/// words, the thesaurus expansion the engine applies (problem phrases → the technology items that solve them),
/// and, as boost terms, the names and aliases of the technology items inferred from the text (and of the
/// stated sub-direction). No filter: a stated direction, budget or deadline only re-ranks, so a near miss
/// still shows, with its reason.</para>
/// <para>2. <b>Relevance</b> in 0–1: the engine's score relative to the best hit, blended with whether the
/// offering belongs to the demand's technology item (declared, or inferred from its title and summary
/// through the same taxonomy) and to its direction (stated, else inferred; 通用 counts half everywhere).</para>
/// <para>3. <b>Fit</b> in 0–1: the weakest of budget (graded by how far the minimum price overshoots), time
/// (graded by how far the implementation days overshoot) and district served (the enterprise's or 全市),
/// shaded for small enterprises by a 小快轻准 preference. The final score multiplies relevance by a fit factor, so fit moves a
/// fitting offering above a non-fitting one of similar relevance but never lifts an unrelated one.</para>
/// </remarks>
public sealed class DemandMatcher(IOfferingIndex index, DirectionInference inference, TaxonomyCatalog taxonomy)
{
    public const int MaxTopK = 50;

    /// <summary>Text relevance (score / best score) is compressed by this power: BM25 scores are spiky, and
    /// an offering at half the best score is usually still about the same need.</summary>
    internal const double TextPower = 0.5;

    /// <summary>Candidates read from the index before re-ranking.</summary>
    public const int CandidateCount = 200;

    // Relevance = TextWeight·text^TextPower + ItemWeight·item + DirectionWeight·direction (sums to 1).
    internal const double TextWeight = 0.7;
    internal const double ItemWeight = 0.15;
    internal const double DirectionWeight = 0.15;

    /// <summary>Share of the score that fit decides: score = relevance · (1 − FitShare + FitShare · fit).</summary>
    internal const double FitShare = 0.6;

    /// <summary>For small enterprises, fit loses up to this share when the offering is not 小快轻准 (heavy, slow, dear).</summary>
    internal const double LightweightShare = 0.1;

    /// <summary>Other items of an inferred direction are wanted too when their evidence reaches this share of the chosen item's.</summary>
    internal const double RelatedItemShare = 0.5;

    /// <summary>Boost weight of an inferred item's names and aliases, times the inference confidence.</summary>
    private const float InferredItemBoost = 0.8f;

    /// <summary>Boost weight of the stated sub-direction's names and aliases.</summary>
    private const float StatedItemBoost = 1.0f;

    /// <summary>A 通用 (general) offering serves every industry: it agrees with any direction by this much.</summary>
    private const double GeneralDirectionAgreement = 0.5;

    /// <summary>小快轻准 thresholds: cheap and quick for a small enterprise.</summary>
    private const long LightweightPriceYuan = 100_000;
    private const int LightweightDays = 30;

    public const string GeneralDirection = "general";

    /// <summary>Scales that count as small enterprises (规下高成长, 其他); 规上 is large.</summary>
    public const string LargeScale = "规上";

    private const int MaxCachedOfferings = 100_000;
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<InferredDirection>> _offeringItems = new();

    public async Task<DemandMatchResult> MatchAsync(DemandQuery query, int topK, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var inferred = inference.Infer(query.Text);
        var wanted = WantedItems(query, inferred);
        var result = await index.SearchAsync(new OfferingSearchRequest
        {
            Text = query.Text,
            BoostTerms = BoostTerms(query, inferred),
            Limit = CandidateCount,
            IncludeFacets = false,
            Highlight = false,
        }, ct);

        var best = result.Hits.Count == 0 ? 1 : Math.Max(result.Hits.Max(h => h.Score), 1e-9);
        var matches = result.Hits
            .Select(hit => Score(query, inferred, wanted, hit, hit.Score / best))
            .OrderByDescending(m => m.Score)
            .ThenBy(m => m.OfferingId)
            .Take(Math.Clamp(topK, 1, MaxTopK))
            .ToArray();
        return new DemandMatchResult(inferred, matches);
    }

    /// <summary>The technology items the demand asks for, with a weight: the stated one (1), else the inferred ones (their confidence).</summary>
    private Dictionary<string, double> WantedItems(DemandQuery query, IReadOnlyList<InferredDirection> inferred)
    {
        var items = new Dictionary<string, double>(StringComparer.Ordinal);
        if (query.SubDirection is { } stated && taxonomy.FindSubDirection(stated) is not null)
        {
            items[stated] = 1;
        }
        var scores = inference.ItemScores(query.Text);
        foreach (var i in inferred)
        {
            if (i.SubDirectionCode is { } code)
            {
                // Items are inferred per direction; one outside a stated direction counts half.
                var weight = Math.Max(i.Confidence, 0.5) * (query.Direction is null || i.DirectionCode == query.Direction ? 1 : 0.5);
                items[code] = Math.Max(items.GetValueOrDefault(code), weight);
                if (scores.GetValueOrDefault(code) is var best and > 0)
                {
                    // Other items of the same direction with comparable evidence are wanted too, in proportion.
                    var prefix = i.DirectionCode + ".";
                    foreach (var (other, score) in scores)
                    {
                        if (other != code && other.StartsWith(prefix, StringComparison.Ordinal) && score >= RelatedItemShare * best)
                        {
                            items[other] = Math.Max(items.GetValueOrDefault(other), weight * Math.Min(1, score / best));
                        }
                    }
                }
            }
        }
        return items;
    }

    private IReadOnlyList<WeightedTerm> BoostTerms(DemandQuery query, IReadOnlyList<InferredDirection> inferred)
    {
        var terms = new Dictionary<string, float>(StringComparer.Ordinal);
        void Add(SubDirection? item, float weight)
        {
            if (item is null || weight <= 0)
            {
                return;
            }
            foreach (var term in item.Aliases.Prepend(item.Name))
            {
                terms[term] = Math.Max(terms.GetValueOrDefault(term), weight);
            }
        }
        if (query.SubDirection is { } stated)
        {
            Add(taxonomy.FindSubDirection(stated), StatedItemBoost);
        }
        foreach (var i in inferred)
        {
            if (i.SubDirectionCode is { } code)
            {
                var agrees = query.Direction is null || query.Direction == i.DirectionCode;
                Add(taxonomy.FindSubDirection(code), InferredItemBoost * (float)i.Confidence * (agrees ? 1f : 0.5f));
            }
        }
        return terms.Select(kv => new WeightedTerm(kv.Key, kv.Value)).ToArray();
    }

    private OfferingMatch Score(DemandQuery query, IReadOnlyList<InferredDirection> inferred, Dictionary<string, double> wanted, OfferingHit hit, double text)
    {
        var reasons = new List<MatchReason>(8);
        var terms = hit.MatchedTerms.Take(8).ToArray();
        reasons.Add(new MatchReason(MatchReasonKinds.Text, text >= 0.5,
            terms.Length > 0 ? $"文本相关度{text:0.00}，匹配词：{string.Join("、", terms)}" : $"文本相关度{text:0.00}"));

        // The offering's technology items: declared, else inferred from its title and summary.
        var offeringItems = OfferingItems(hit);
        var item = 0.0;
        string? itemCode = null;
        foreach (var (code, weight) in wanted)
        {
            var agreement = offeringItems.TryGetValue(code, out var strength) ? weight * strength : 0;
            if (agreement > item)
            {
                (item, itemCode) = (agreement, code);
            }
        }
        if (query.SubDirection is { } statedItem)
        {
            var ok = itemCode == statedItem;
            reasons.Add(new MatchReason(MatchReasonKinds.SubDirection, ok,
                ok ? $"属于技术条目「{ItemName(statedItem)}」" : $"未明确属于技术条目「{ItemName(statedItem)}」"));
        }

        double direction;
        if (query.Direction is { } stated)
        {
            direction = DirectionAgreement(hit, stated, 1);
            reasons.Add(new MatchReason(MatchReasonKinds.Direction, direction >= 1,
                direction >= 1 ? $"属于{DirectionName(stated)}方向"
                : direction > 0 ? $"通用方案，适用于{DirectionName(stated)}"
                : $"不属于{DirectionName(stated)}方向"));
        }
        else
        {
            direction = inferred.Count == 0 ? 0 : inferred.Max(i => DirectionAgreement(hit, i.DirectionCode, i.Confidence));
            if (inferred.Count > 0)
            {
                var top = inferred[0];
                var label = DirectionName(top.DirectionCode) + (top.SubDirectionCode is { } c ? "·" + ItemName(c) : "");
                var agreeing = inferred.FirstOrDefault(i => hit.Directions.Contains(i.DirectionCode));
                reasons.Add(new MatchReason(MatchReasonKinds.InferredDirection, agreeing is not null,
                    agreeing is not null
                        ? $"根据描述推断为{label}（置信度{top.Confidence:0.00}），方案属于{DirectionName(agreeing.DirectionCode)}方向"
                        : $"根据描述推断为{label}（置信度{top.Confidence:0.00}），方案不属于推断方向"));
            }
        }
        if (itemCode is not null && query.SubDirection is null)
        {
            reasons.Add(new MatchReason(MatchReasonKinds.SubDirection, true, $"对应技术条目「{ItemName(itemCode)}」"));
        }

        var relevance = TextWeight * Math.Pow(text, TextPower) + ItemWeight * Math.Min(1, item) + DirectionWeight * direction;

        // Fit is the weakest of the checks that apply: an offering that misses the budget, the deadline or
        // the district does not fit, however well it meets the others (the judgments' grade 3 needs all).
        var fit = 1.0;
        if (query.BudgetYuan is { } budget)
        {
            var ok = hit.PriceMinYuan <= budget;
            reasons.Add(new MatchReason(MatchReasonKinds.Budget, ok, ok
                ? $"最低报价{Yuan(hit.PriceMinYuan)}，在预算{Yuan(budget)}以内"
                : $"最低报价{Yuan(hit.PriceMinYuan)}，超出预算{Yuan(budget)}"));
            fit = Math.Min(fit, Overshoot(hit.PriceMinYuan, budget));
        }
        if (query.WithinDays is { } days)
        {
            var ok = hit.ImplementationDays <= days;
            reasons.Add(new MatchReason(MatchReasonKinds.Time, ok, ok
                ? $"实施周期{hit.ImplementationDays}天，满足{days}天内完成"
                : $"实施周期{hit.ImplementationDays}天，超过要求的{days}天"));
            fit = Math.Min(fit, Overshoot(hit.ImplementationDays, days));
        }
        var district = query.Enterprise.District;
        var wholeCity = hit.Districts.Contains(TaxonomyCatalog.WholeCityName);
        var served = TaxonomyCatalog.Serves(hit.Districts, district);
        reasons.Add(new MatchReason(MatchReasonKinds.District, served,
            served ? (wholeCity && !hit.Districts.Contains(district) ? $"服务全市，含{district}" : $"服务{district}") : $"不服务{district}"));
        fit = Math.Min(fit, served ? 1 : 0);
        if (IsSmall(query.Enterprise))
        {
            // 小快轻准 is a preference, not a requirement: it shades the fit a little.
            var light = Lightweight(hit);
            reasons.Add(new MatchReason(MatchReasonKinds.Lightweight, light >= 0.5, LightweightDetail(hit, light >= 0.5)));
            fit *= 1 - LightweightShare * (1 - light);
        }
        var score = Math.Clamp(relevance * (1 - FitShare + FitShare * fit), 0, 1);
        return new OfferingMatch(hit.Id, hit.RevisionId, hit.Title, Guid.Empty, hit.SupplierName, Math.Round(score, 4), reasons, hit.MatchedTerms);
    }

    /// <summary>1 within the limit; a miss drops to <see cref="MissFloor"/> and falls linearly to 0 at twice the limit.</summary>
    internal static double Overshoot(double value, double limit) =>
        value <= limit ? 1 : limit <= 0 ? 0 : MissFloor * Math.Max(0, 1 - (value - limit) / limit);

    /// <summary>A missed budget or deadline keeps at most this much of its fit, then falls with the overshoot.</summary>
    internal const double MissFloor = 0.5;

    private static double DirectionAgreement(OfferingHit hit, string direction, double weight) =>
        hit.Directions.Contains(direction) ? weight
        : hit.Directions.Contains(GeneralDirection) ? weight * GeneralDirectionAgreement
        : 0;

    public static bool IsSmall(EnterpriseProfile enterprise) => enterprise.Scale is not null && enterprise.Scale != LargeScale;

    /// <summary>小快轻准: SaaS or a tool, cheap, quick; 0–1.</summary>
    internal static double Lightweight(OfferingHit hit)
    {
        var light = hit.Deployment == "saas" || hit.Type == "tool" ? 1.0 : 0.0;
        var cheap = hit.PriceMinYuan <= LightweightPriceYuan ? 1.0 : Math.Max(0, 1 - Math.Log10((double)hit.PriceMinYuan / LightweightPriceYuan));
        var quick = hit.ImplementationDays <= LightweightDays ? 1.0 : Math.Max(0, 1 - (hit.ImplementationDays - LightweightDays) / (3.0 * LightweightDays));
        return (light + cheap + quick) / 3;
    }

    private static string LightweightDetail(OfferingHit hit, bool ok)
    {
        var kind = hit.Deployment == "saas" ? "SaaS云服务" : hit.Type == "tool" ? "工具" : hit.Deployment == "hardware" ? "硬件方案" : "项目制方案";
        var facts = $"{kind}，最低{Yuan(hit.PriceMinYuan)}，{hit.ImplementationDays}天实施";
        return ok ? $"{facts}，小快轻准，适合中小企业" : $"{facts}，对中小企业偏重";
    }

    /// <summary>The offering's items with a strength: declared ones 1, else those inferred from its title and summary.</summary>
    private Dictionary<string, double> OfferingItems(OfferingHit hit)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var code in hit.SubDirections)
        {
            result[code] = 1;
        }
        if (!_offeringItems.TryGetValue(hit.RevisionId, out var items))
        {
            if (_offeringItems.Count >= MaxCachedOfferings)
            {
                _offeringItems.Clear();
            }
            items = inference.Infer(hit.Title + "。" + hit.Summary);
            _offeringItems[hit.RevisionId] = items;
        }
        foreach (var i in items)
        {
            if (i.SubDirectionCode is { } code)
            {
                result[code] = Math.Max(result.GetValueOrDefault(code), Math.Min(1, 0.5 + i.Confidence));
            }
        }
        return result;
    }

    private string DirectionName(string code) => taxonomy.FindDirection(code)?.Name ?? code;

    private string ItemName(string code) => taxonomy.FindSubDirection(code)?.Name ?? code;

    /// <summary>Amounts as people say them: 8000元, 5万元, 1.2亿元.</summary>
    public static string Yuan(long amount) => amount switch
    {
        >= 100_000_000 => (amount / 100_000_000m).ToString("0.##", CultureInfo.InvariantCulture) + "亿元",
        >= 10_000 => (amount / 10_000m).ToString("0.##", CultureInfo.InvariantCulture) + "万元",
        _ => amount.ToString(CultureInfo.InvariantCulture) + "元",
    };
}

