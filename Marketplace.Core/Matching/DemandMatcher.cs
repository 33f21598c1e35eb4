using System.Collections.Concurrent;
using System.Globalization;
using Marketplace.Core.Common;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Matching;

/// <summary>
/// Ranks live offerings for one demand item and explains each match.
/// </summary>
/// <remarks>
/// <para>1. <b>Understand</b> the need (<see cref="NeedModel"/>): which technology items the demand asks for, by the
/// function it describes, apart from its industry (the enterprise's declared industry, the directions' industry nouns).</para>
/// <para>2. <b>Retrieve</b> up to <see cref="CandidateCount"/> candidates from the search index (BM25 on both engines):
/// the demand's words without its industry words, the thesaurus expansion the engine applies, and as boost terms the
/// names and aliases of the understood items and, lightly, the industry words. No filter: a stated direction, budget or
/// deadline only re-ranks, so a near miss still shows, with its reason.</para>
/// <para>3. <b>Relevance</b> in 0–1 (<see cref="Relevance"/>, the one place its components are combined): the function
/// the offering meets (an understood item it declares or that its title and summary read as), the engine's score
/// relative to the best hit, and the direction where the function does not already count. A relevance floor keeps
/// unrelated offerings out of the list (the answer says how many places stay empty).</para>
/// <para>4. <b>Fit</b> in 0–1: the weakest of budget (graded by how far the minimum price overshoots), time
/// (graded by how far the implementation days overshoot) and district served (the enterprise's or 全市),
/// shaded for small enterprises by a 小快轻准 preference. The final score multiplies relevance by a fit factor, so fit moves a
/// fitting offering above a non-fitting one of similar relevance but never lifts an unrelated one.</para>
/// </remarks>
public sealed class DemandMatcher(IOfferingIndex index, DirectionInference inference, TaxonomyCatalog taxonomy, NeedModel needs,
    MatchingWeights? weighting = null, TimeProvider? clock = null)
{
    public const int MaxTopK = 50;

    /// <summary>Candidates read from the index before re-ranking.</summary>
    public const int CandidateCount = 200;

    /// <summary>Boost weight of the stated sub-direction's names and aliases.</summary>
    private const float StatedItemBoost = 1.0f;

    /// <summary>A 通用 (general) offering serves every industry: it agrees with any direction by this much.</summary>
    private const double GeneralDirectionAgreement = 0.5;

    /// <summary>小快轻准 thresholds: cheap and quick for a small enterprise.</summary>
    private const long LightweightPriceYuan = 100_000;
    private const int LightweightDays = 30;

    public const string GeneralDirection = TaxonomyCatalog.GeneralDirectionCode;

    /// <summary>Scales that count as small enterprises (规下高成长, 其他); 规上 is large.</summary>
    public const string LargeScale = "规上";

    private readonly MatchingWeights weights = weighting ?? MatchingWeights.Default;

    public MatchingWeights Weights => weights;

    /// <summary>Offering revisions whose items stay cached; beyond it the cache starts again.</summary>
    public const int MaxCachedOfferings = 250_000;
    private readonly ConcurrentDictionary<Guid, (string Code, double Strength)[]> _offeringItems = new();

    /// <summary>The taxonomy's need model: how offerings are read and how alike two items are.</summary>
    private readonly NeedModel _taxonomyNeeds = needs;

    private readonly HashSet<string> _generalWishes = taxonomy.Document.GeneralWishes.ToHashSet(StringComparer.Ordinal);

    private NeedModel _demandNeeds = needs;

    /// <summary>
    /// The model demands are read with: the taxonomy's, or the taxonomy's extended with the catalog's language
    /// (<see cref="NeedModel.WithCatalog"/>). Offerings are always read with the taxonomy's alone, so that what an offering
    /// provides does not drift with the rest of the catalog.
    /// </summary>
    public NeedModel DemandNeeds
    {
        get => Volatile.Read(ref _demandNeeds);
        set => Volatile.Write(ref _demandNeeds, value);
    }

    public async Task<DemandMatchResult> MatchAsync(DemandQuery query, int topK, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        // A budget or deadline written into the text stands for the field the owner left empty.
        if (query.BudgetYuan is null || query.WithinDays is null)
        {
            var stated = StatedLimitsReader.Read(query.Text, ChinaTime.Today(clock ?? TimeProvider.System));
            query = query with
            {
                BudgetYuan = query.BudgetYuan ?? stated.BudgetYuan,
                WithinDays = query.WithinDays ?? stated.WithinDays,
                BudgetFromText = query.BudgetYuan is null && stated.BudgetYuan is not null,
                DaysFromText = query.WithinDays is null && stated.WithinDays is not null,
            };
        }
        var inferred = inference.Infer(query.Text);
        var need = Understand(query, inferred);
        need = need with { Related = Neighbourhood(query, need) };
        var (functionText, industryTerms) = FunctionText(query);
        var result = await index.SearchAsync(new OfferingSearchRequest
        {
            Text = functionText,
            BoostTerms = BoostTerms(query, need, weights.ItemBoostConfidencePower).Concat(industryTerms).ToArray(),
            Limit = CandidateCount,
            IncludeFacets = false,
            Highlight = false,
            WithNextCursor = false, // the candidates are one page
        }, ct);

        var best = result.Hits.Count == 0 ? 1 : Math.Max(result.Hits.Max(h => h.Score), 1e-9);
        var wish = Acquisition.Wish(query.Text);
        // The enterprise's own direction, from its declared industry (工业涂料 → 化工): a function specialised for it is the
        // function it asks for, whatever direction the text reads as.
        var enterpriseDirection = taxonomy.DirectionOfIndustry(query.Enterprise.Industry);
        var written = FoldedWithoutSpaces(query.Text);
        var ranked = result.Hits
            .Select(hit => Score(query, written, inferred, need, wish, enterpriseDirection, hit, hit.Score / best))
            .OrderByDescending(m => m.Match.Score)
            .ThenBy(m => m.Match.OfferingId)
            .ToList();
        // The relevance floor: a list shows fewer matches rather than unrelated ones, and says so.
        // It applies to relevance, not to fit: a relevant offering that misses the budget still shows, with its reason.
        var floor = ranked.Count == 0 ? 0 : Math.Max(weights.AbsoluteFloor, weights.RelativeFloor * ranked.Max(m => m.Relevance));
        var take = Math.Clamp(topK, 1, MaxTopK);
        // Another function is only told apart from a neighbouring one when the need is read clearly.
        var otherFunctionFloor = need.Confidence >= weights.ClearNeedConfidence ? weights.OtherFunctionTextFloor : weights.TextFloor;
        var statedDirectionOnly = weights.WithholdOutsideStatedDirection && query.Direction is not null;
        var kept = ranked.Where(m => m.Relevance >= floor
                && (m.Function > 0 || (!(statedDirectionOnly && m.Direction <= 0) && m.Text >= (m.OtherFunction ? otherFunctionFloor : weights.TextFloor))))
            .Take(take).Select(m => m.Match).ToArray();
        var withheld = Math.Min(take, ranked.Count) - kept.Length;
        return new DemandMatchResult(inferred, kept) { Need = need, Withheld = withheld };
    }

    /// <summary>
    /// A search query read as a need, as a demand without a stated direction or enterprise is read: the technology items it
    /// asks for, and for a sentence (<see cref="SearchSentenceLength"/> characters or more) the names and aliases of the
    /// first <see cref="SearchBoostItems"/> as boost terms, which the engine ORs with the query's own words as for a demand,
    /// so that a sentence in an owner's words also finds the offerings of the function it describes. A shorter query is a
    /// keyword, which the thesaurus already expands; a vague query (only general wishes) or one naming no function gets no
    /// terms.
    /// </summary>
    public SearchReading ReadSearchQuery(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var query = new DemandQuery(text, null, null, null, null, new EnterpriseProfile("", null, null));
        // A search states no industry: none is named in the answer (the demand's would come from the enterprise).
        var need = Understand(query, inference.Infer(text)) with { Industry = null };
        var sentence = text.Count(char.IsLetterOrDigit) >= SearchSentenceLength;
        // Unlike matching's, a search's terms are not weighed by the confidence: a search has no function score beside its
        // text, so these terms are all the reading adds (weighed, eval-dev-hard's search nDCG fell from 0.773 to 0.695).
        return new SearchReading(need, sentence ? BoostTerms(query, need with { Items = need.Items.Take(SearchBoostItems).ToArray() }, confidencePower: 0) : []);
    }

    /// <summary>A search query this long (letters and digits) is read as a sentence.</summary>
    public const int SearchSentenceLength = 12;

    /// <summary>
    /// The understood items whose terms a search sentence adds (each adds about ten terms to the query): two find as much
    /// as four on every relevance set, and never cost more in the throughput runs; one costs less but finds less
    /// (docs/matching.md).
    /// </summary>
    public const int SearchBoostItems = 2;

    /// <summary>
    /// The function the demand asks for: the stated technology item (weight 1), then the items the need model reads in
    /// the text, weighted by their share of the best one and by how clearly the text names a function; items of a
    /// stated direction (or 通用) are preferred a little, never required.
    /// </summary>
    private NeedUnderstanding Understand(DemandQuery query, IReadOnlyList<InferredDirection> inferred)
    {
        var (broad, generalWords) = SpecificReadings(query.Text, DemandNeeds.Classify(query.Text, query.Enterprise.Industry, max: weights.MaxRelatedItems, minShare: weights.RelatedMinShare, weights.RequestWeight,
            weights.NamedItemLead));
        var classified = broad.Where(c => c.Score >= weights.NeedMinShare * broad[0].Score).Take(weights.MaxNeedItems).ToArray();
        var items = new List<UnderstoodItem>();
        if (query.SubDirection is { } stated && taxonomy.FindSubDirection(stated) is { } statedItem)
        {
            items.Add(new UnderstoodItem(stated, statedItem.Name, 1, classified.FirstOrDefault(c => c.Code == stated)?.Evidence ?? []));
        }
        var confidence = 0.0;
        if (classified.Length > 0)
        {
            var prior = classified.Select(c => c.Score * DirectionPrior(query.Direction, c.Code)).ToArray();
            var top = prior.Max();
            confidence = 1 - Math.Exp(-classified.Max(c => c.Score) / weights.ConfidenceScale);
            foreach (var (candidate, score) in classified.Zip(prior).OrderByDescending(p => p.Second).ThenBy(p => p.First.Code, StringComparer.Ordinal))
            {
                if (items.Any(i => i.Code == candidate.Code))
                {
                    continue;
                }
                var share = score / top;
                var weight = Math.Pow(share, weights.SharePower) * (weights.ConfidenceFloor + (1 - weights.ConfidenceFloor) * confidence);
                items.Add(new UnderstoodItem(candidate.Code, ItemName(candidate.Code), Math.Round(weight, 4), candidate.Evidence));
            }
        }
        var direction = query.Direction ?? inferred.FirstOrDefault()?.DirectionCode;
        return new NeedUnderstanding(items, NeedUnderstanding.IndustryOf(query.Enterprise, taxonomy, direction), Math.Round(confidence, 4))
        {
            IsVague = items.Count == 0,
            GeneralWords = items.Count == 0 ? generalWords : [],
        };
    }

    /// <summary>
    /// The understood items and the weaker readings of the text, for the relevance floor (matching only: a search does not
    /// need it). Read with the taxonomy's model: the catalog's language teaches an offering's item that offering's own
    /// incidental words (全靠 of a traceability system's 不再全靠手记), so read with it, any demand holding such a word would
    /// count as near that offering's function and keep it above the floor.
    /// </summary>
    private HashSet<string> Neighbourhood(DemandQuery query, NeedUnderstanding need) =>
        _taxonomyNeeds.Classify(query.Text, query.Enterprise.Industry, max: weights.MaxRelatedItems, minShare: weights.RelatedMinShare, weights.RequestWeight)
            .Select(c => c.Code).Concat(need.Items.Select(i => i.Code)).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// A reading that rests only on words naming no function (the taxonomy's general wishes: 数字化、转型、降本增效, or pieces
    /// of them such as 化转型) is a guess. When the best reading is such a guess, the weaker ones are weaker still: the
    /// demand is vague, it has no readings, and the words are returned to tell the owner what was too general.
    /// </summary>
    private (IReadOnlyList<ItemReading> Readings, IReadOnlyList<string> GeneralWords) SpecificReadings(string text, IReadOnlyList<ItemReading> readings)
    {
        if (readings.Count == 0)
        {
            return (readings, []);
        }
        var general = GeneralSpans(text);
        if (readings[0].Evidence.Any(word => !IsGeneral(word)))
        {
            return (readings, []);
        }
        return ([], general.Words);

        bool IsGeneral(string word)
        {
            var found = false;
            for (var at = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                found = true;
                if (general.Covered.AsSpan(at, word.Length).Contains(false))
                {
                    return false;
                }
            }
            return found;
        }
    }

    /// <summary>Which characters of <paramref name="text"/> belong to a general wish, and those wishes in order of appearance.</summary>
    private (bool[] Covered, IReadOnlyList<string> Words) GeneralSpans(string text)
    {
        var covered = new bool[text.Length];
        var words = new List<(int At, string Word)>();
        foreach (var wish in _generalWishes)
        {
            for (var at = text.IndexOf(wish, StringComparison.Ordinal); at >= 0; at = text.IndexOf(wish, at + 1, StringComparison.Ordinal))
            {
                Array.Fill(covered, true, at, wish.Length);
                words.Add((at, wish));
            }
        }
        // The longest wish at each place (数字化转型 over 数字化 and 转型), once each.
        var shown = words.OrderBy(w => w.At).ThenByDescending(w => w.Word.Length)
            .Where(w => !words.Any(o => o.Word.Length > w.Word.Length && o.At <= w.At && w.At + w.Word.Length <= o.At + o.Word.Length))
            .Select(w => w.Word).Distinct(StringComparer.Ordinal).ToArray();
        return (covered, shown);
    }

    /// <summary>
    /// The demand text the engine searches with: the words naming the enterprise's industry (its declared industry, the
    /// taxonomy's industry nouns) are taken out and come back as light boost terms, so that offerings sharing only the
    /// industry's words do not outrank those meeting the function asked for; and figures (预算80万, 1台, 3个月) are taken
    /// out, since an offering writing the same number shares no function with the demand. A number beside letters or
    /// joined to them (S7-1200, 5G, ISO9001) is a model or a standard and stays.
    /// </summary>
    private (string Text, IReadOnlyList<WeightedTerm> IndustryTerms) FunctionText(DemandQuery query)
    {
        var spans = inference.IndustrySpans(query.Text, query.Enterprise.Industry);
        var text = query.Text.ToCharArray();
        var figures = BlankFigures(text);
        if (spans.Count == 0 && !figures)
        {
            return (query.Text, []);
        }
        var terms = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (start, length) in spans)
        {
            terms[query.Text.Substring(start, length)] = (float)weights.IndustryBoost;
            Array.Fill(text, '，', start, length);
        }
        var functionText = new string(text);
        return functionText.Any(char.IsLetterOrDigit)
            ? (functionText, terms.Select(kv => new WeightedTerm(kv.Key, kv.Value)).ToArray())
            : (query.Text, []);
    }

    /// <summary>Blanks every run of digits (with its decimal point) that no letter, hyphen or slash touches; whether any was.</summary>
    private static bool BlankFigures(char[] text)
    {
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                continue;
            }
            var end = i;
            while (end < text.Length && (char.IsAsciiDigit(text[end]) || (text[end] == '.' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]))))
            {
                end++;
            }
            if (!JoinsAWord(text, i - 1) && !JoinsAWord(text, end))
            {
                Array.Fill(text, '，', i, end - i);
                any = true;
            }
            i = end;
        }
        return any;

        static bool JoinsAWord(char[] text, int at) => at >= 0 && at < text.Length && (char.IsAsciiLetter(text[at]) || text[at] is '-' or '/' or '_');
    }

    /// <summary>A stated direction makes its own items (and 通用 ones) a little more likely; others stay possible.</summary>
    private double DirectionPrior(string? direction, string itemCode) =>
        direction is null || itemCode.StartsWith(direction + ".", StringComparison.Ordinal) ? 1
        : itemCode.StartsWith(GeneralDirection + ".", StringComparison.Ordinal) ? weights.GeneralPrior
        : weights.OtherPrior;

    private IReadOnlyList<WeightedTerm> BoostTerms(DemandQuery query, NeedUnderstanding need, double confidencePower)
    {
        var terms = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var item in need.Items)
        {
            var weight = item.Code == query.SubDirection
                ? StatedItemBoost * (float)item.Weight
                : (float)(weights.ItemBoost * item.Weight * Math.Pow(need.Confidence, confidencePower));
            if (taxonomy.FindSubDirection(item.Code) is not { } sub || weight <= 0)
            {
                continue;
            }
            foreach (var term in sub.Aliases.Prepend(sub.Name))
            {
                terms[term] = Math.Max(terms.GetValueOrDefault(term), weight);
            }
        }
        return terms.Select(kv => new WeightedTerm(kv.Key, kv.Value)).ToArray();
    }

    private (OfferingMatch Match, double Relevance, double Function, double Text, double Direction, bool OtherFunction) Score(DemandQuery query, string written, IReadOnlyList<InferredDirection> inferred, NeedUnderstanding need, AcquisitionWish wish,
        string? enterpriseDirection, OfferingHit hit, double text)
    {
        var reasons = new List<MatchReason>(9);
        // A single Chinese character (一、要、上) is no evidence of a need: never shown as a matched term.
        var matchedTerms = hit.MatchedTerms.Where(t => t.Length > 1 || !NeedFeatures.IsHan(t[0])).Take(8).ToArray();
        // The owner's own words (in the folded text, written), apart from the names of the understood items and the
        // thesaurus's expansions the search added: a reason lists as words in common only words the owner wrote.
        var terms = matchedTerms.Where(t => written.Contains(FoldedWithoutSpaces(t), StringComparison.Ordinal)).ToArray();
        var added = matchedTerms.Except(terms).ToArray();
        var addedNote = added.Length > 0 ? $"；按需求理解匹配：{string.Join("、", added)}" : "";
        // Without a word in common the text score rests on single characters (多、人工's 人), relative to a best hit that
        // matched nothing better: said so, and not counted as text agreement. (Weighing such text down in the ranking lost
        // relevant offerings: set I 0.606 → 0.581, set F 0.834 → 0.824.)
        reasons.Add(new MatchReason(MatchReasonKinds.Text, text >= 0.5 && terms.Length > 0,
            terms.Length > 0 ? $"文本相关度{text:0.00}，匹配词：{string.Join("、", terms)}{addedNote}"
            : added.Length > 0 ? $"文本相关度{text:0.00}，无共同词语{addedNote}"
            : $"文本相关度{text:0.00}，仅个别单字相同，无共同词语"));

        // Function: the best agreement between an item the demand asks for and an item the offering provides.
        var offeringItems = OfferingItems(hit);
        var demandDirection = query.Direction ?? inferred.FirstOrDefault()?.DirectionCode;
        var function = 0.0;
        UnderstoodItem? met = null;
        (string Code, double StandIn)? metBy = null;
        foreach (var item in need.Items)
        {
            foreach (var (code, strength) in offeringItems)
            {
                // A sibling item (the same function for another industry: 食品追溯 / 产品追溯) stands in, in proportion.
                var standIn = code == item.Code ? 1 : StandIn(item.Code, code, demandDirection, enterpriseDirection);
                var agreement = item.Weight * strength * standIn;
                if (agreement > function)
                {
                    (function, met, metBy) = (agreement, item, (code, standIn));
                }
            }
        }
        reasons.Add(NeedReason(need, met, metBy, offeringItems));
        if (query.SubDirection is { } statedItem)
        {
            var ok = offeringItems.GetValueOrDefault(statedItem) >= 1;
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
                : met is not null ? $"不属于{DirectionName(stated)}方向，但提供所需功能"
                : $"不属于{DirectionName(stated)}方向"));
        }
        else
        {
            // Without a stated direction, the directions of the understood items (not the industry nouns of the text).
            direction = weights.DirectionFromNeed && need.Items.Count > 0
                ? need.Items.Max(i => DirectionAgreement(hit, SubDirection.DirectionOf(i.Code), i.Weight))
                : inferred.Count == 0 ? 0 : inferred.Max(i => DirectionAgreement(hit, i.DirectionCode, i.Confidence));
            if (inferred.Count > 0)
            {
                // The reading the offering agrees with, else the strongest: the detail names the direction its verdict is about.
                var agreeing = inferred.FirstOrDefault(i => hit.Directions.Contains(i.DirectionCode));
                var shown = agreeing ?? inferred[0];
                var label = DirectionName(shown.DirectionCode) + (shown.SubDirectionCode is { } c ? "·" + ItemName(c) : "");
                reasons.Add(new MatchReason(MatchReasonKinds.InferredDirection, agreeing is not null,
                    agreeing is not null
                        ? $"根据描述推断为{label}（置信度{shown.Confidence:0.00}），方案属于{DirectionName(shown.DirectionCode)}方向"
                        : $"根据描述推断为{label}（置信度{shown.Confidence:0.00}），方案不属于推断方向"));
            }
        }

        var relevance = Relevance(text, function, direction);

        // Fit is the weakest of the checks that apply: an offering that misses the budget, the deadline or
        // the district does not fit, however well it meets the others (the judgments' grade 3 needs all).
        var fit = 1.0;
        if (query.BudgetYuan is { } budget)
        {
            var ok = hit.PriceMinYuan <= budget;
            var readFromText = query.BudgetFromText ? "（据描述）" : "";
            reasons.Add(new MatchReason(MatchReasonKinds.Budget, ok, (ok, budget) switch
            {
                (true, 0) => "免费，符合零预算",
                (false, 0) => $"最低报价{Yuan(hit.PriceMinYuan)}，预算为零（只要免费的）",
                (true, _) => $"最低报价{Yuan(hit.PriceMinYuan)}，在预算{Yuan(budget)}{readFromText}以内",
                _ => $"最低报价{Yuan(hit.PriceMinYuan)}，超出预算{Yuan(budget)}{readFromText}",
            }));
            fit = Math.Min(fit, Overshoot(hit.PriceMinYuan, budget, weights.MissFloor));
        }
        if (query.WithinDays is { } days)
        {
            var ok = hit.ImplementationDays <= days;
            var readFromText = query.DaysFromText ? "（据描述）" : "";
            reasons.Add(new MatchReason(MatchReasonKinds.Time, ok, ok
                ? $"实施周期{hit.ImplementationDays}天，满足{days}天内完成{readFromText}"
                : $"实施周期{hit.ImplementationDays}天，超过要求的{days}天{readFromText}"));
            fit = Math.Min(fit, Overshoot(hit.ImplementationDays, days, weights.MissFloor));
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
            var (lightOk, lightDetail) = LightweightReason(hit);
            reasons.Add(new MatchReason(MatchReasonKinds.Lightweight, lightOk, lightDetail));
            fit *= 1 - weights.LightweightShare * (1 - light);
        }
        if (wish is not AcquisitionWish.None)
        {
            // Renting first or buying outright is a stated preference: it shades the fit, like 小快轻准.
            var rental = Acquisition.OffersRental(hit);
            var ok = rental == (wish is AcquisitionWish.Rent);
            reasons.Add(new MatchReason(MatchReasonKinds.Acquisition, ok, (wish, rental) switch
            {
                (AcquisitionWish.Rent, true) => "提供租赁，可先租后买",
                (AcquisitionWish.Rent, false) => "未注明可租赁，企业希望先租",
                (_, true) => "以租赁方式提供，企业希望购买",
                _ => "非租赁方案，符合购买意愿",
            }));
            fit *= ok ? 1 : 1 - weights.AcquisitionShare;
        }
        var score = Math.Clamp(relevance * (1 - weights.FitShare + weights.FitShare * fit), 0, 1);
        return (new OfferingMatch(hit.Id, hit.RevisionId, hit.Title, hit.SupplierId, hit.SupplierName, Math.Round(score, 4), reasons, matchedTerms), relevance, function, text, direction,
            need.Items.Count > 0 && offeringItems.Count > 0 && !offeringItems.Keys.Any(need.Related.Contains) && direction <= 0);
    }

    /// <summary>
    /// How much an offering's item stands in for a different item the demand asks for: by their profiles' similarity,
    /// and fully when one is the general function and the other its specialisation for the demand's direction or the enterprise's
    /// (质量管理 and 钢铁全流程产品工艺质量管控 for a steel works).
    /// </summary>
    private double StandIn(string asked, string provided, string? demandDirection, string? enterpriseDirection)
    {
        var similarity = _taxonomyNeeds.Similarity(asked, provided);
        // Any similarity at all (the model keeps only pairs at least 0.1 alike): across the general direction these are
        // the same function, e.g. 食品追溯 / 产品质量追溯. The taxonomy also says so where the words differ
        // (挥发性有机物治理 is 环保治理与监测 for chemicals).
        var same = (similarity > 0 && (IsSpecialisation(asked, provided, demandDirection) || IsSpecialisation(asked, provided, enterpriseDirection)))
            || (DeclaredSpecialisation(asked, provided) is { } direction && (direction == demandDirection || direction == enterpriseDirection));
        return same ? 1 : Math.Min(1, weights.SiblingScale * similarity);
    }

    /// <summary>The direction for which the taxonomy declares one item the other's 通用 function (<see cref="SubDirection.GeneralItem"/>).</summary>
    private string? DeclaredSpecialisation(string a, string b) =>
        taxonomy.FindSubDirection(a)?.GeneralItem == b ? SubDirection.DirectionOf(a)
        : taxonomy.FindSubDirection(b)?.GeneralItem == a ? SubDirection.DirectionOf(b)
        : null;

    private static bool IsSpecialisation(string a, string b, string? direction) =>
        direction is not null
        && ((a.StartsWith(GeneralDirection + ".", StringComparison.Ordinal) && b.StartsWith(direction + ".", StringComparison.Ordinal))
            || (b.StartsWith(GeneralDirection + ".", StringComparison.Ordinal) && a.StartsWith(direction + ".", StringComparison.Ordinal)));

    /// <summary>
    /// The one place where relevance components are combined (0–1): the engine's text score relative to the best hit
    /// (compressed), the function the offering meets, and the direction. An offering of another direction that provides
    /// the function asked for is not penalised for its direction: the part of the direction it misses is made up by
    /// <see cref="MatchingWeights.CrossDirectionShare"/> of its function, so the direction mostly decides between offerings
    /// that meet the function alike.
    /// </summary>
    internal double Relevance(double text, double function, double direction) =>
        (weights.TextWeight * Math.Pow(text, weights.TextPower))
        + (weights.FunctionWeight * Math.Min(1, function))
        + (weights.DirectionWeight * (direction + ((1 - direction) * weights.CrossDirectionShare * Math.Min(1, function))));

    /// <summary>Which part of the need the offering meets, or that it does not meet the function asked for.</summary>
    private MatchReason NeedReason(NeedUnderstanding need, UnderstoodItem? met, (string Code, double StandIn)? metBy, Dictionary<string, double> offeringItems)
    {
        if (met is not null)
        {
            var part = met.Evidence.Count > 0 ? $"（{string.Join("、", met.Evidence)}）" : "";
            // Met through another item: the same function for the enterprise's industry counts whole, a related one in part.
            return new MatchReason(MatchReasonKinds.Need, true, metBy is not { } by || by.Code == met.Code
                ? $"满足所需功能「{met.Name}」{part}"
                : by.StandIn >= 1 ? $"满足所需功能「{met.Name}」{part}，方案属于其同类条目「{ItemName(by.Code)}」"
                : $"以相近条目「{ItemName(by.Code)}」部分满足所需功能「{met.Name}」{part}");
        }
        var provides = offeringItems.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ItemName(kv.Key)).FirstOrDefault();
        return new MatchReason(MatchReasonKinds.Need, false, need.Items.Count == 0
            ? provides is null ? "未能确定所需功能" : $"未能确定所需功能，方案提供「{provides}」"
            : $"未对应所需功能「{need.Items[0].Name}」" + (provides is null ? "" : $"，方案提供「{provides}」"));
    }

    /// <summary>1 within the limit; a miss drops to <paramref name="missFloor"/> and falls linearly to 0 at twice the limit.</summary>
    internal static double Overshoot(double value, double limit, double missFloor) =>
        value <= limit ? 1 : limit <= 0 ? 0 : missFloor * Math.Max(0, 1 - (value - limit) / limit);


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

    /// <summary>
    /// The facts and which parts of 小快轻准 they meet: all three (light to deploy, at most 10万, at most 30 days), none, or
    /// which (a ¥300,000 tool is light and quick but not cheap, and says so); ok when two of the three hold. (The fit is
    /// shaded by <see cref="Lightweight"/>, which grades price and time rather than cutting them.)
    /// </summary>
    private static (bool Ok, string Detail) LightweightReason(OfferingHit hit)
    {
        var kind = hit.Deployment == "saas" ? "SaaS云服务" : hit.Type == "tool" ? "工具" : hit.Deployment == "hardware" ? "硬件方案" : "项目制方案";
        var facts = $"{kind}，最低{Yuan(hit.PriceMinYuan)}，{hit.ImplementationDays}天实施";
        var parts = new[]
        {
            (Met: hit.Deployment == "saas" || hit.Type == "tool", Yes: "部署轻", No: "部署偏重"),
            (Met: hit.PriceMinYuan <= LightweightPriceYuan, Yes: "投入小", No: "投入偏高"),
            (Met: hit.ImplementationDays <= LightweightDays, Yes: "实施快", No: "周期偏长"),
        };
        var detail = parts.All(p => p.Met) ? $"{facts}，小快轻准，适合中小企业"
            : parts.All(p => !p.Met) ? $"{facts}，对中小企业偏重"
            : $"{facts}，{string.Join("、", parts.Where(p => p.Met).Select(p => p.Yes))}，但{string.Join("、", parts.Where(p => !p.Met).Select(p => p.No))}";
        return (parts.Count(p => p.Met) >= 2, detail);
    }

    /// <summary>The offering's items with a strength: declared ones 1, and those the need model reads in its title, summary and keywords.</summary>
    private Dictionary<string, double> OfferingItems(OfferingHit hit)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var code in hit.SubDirections)
        {
            result[code] = 1;
        }
        var items = ReadItems(hit.RevisionId, hit.Title, hit.Summary, hit.Keywords, hit.Directions);
        foreach (var (code, strength) in items)
        {
            result[code] = Math.Max(result.GetValueOrDefault(code), strength);
        }
        return result;
    }

    /// <summary>
    /// Reads the items of a live offering ahead of matching. A node that has just started would otherwise read each
    /// candidate's items on its first match (about 0.1 ms each, up to 200 candidates per demand item).
    /// </summary>
    public IReadOnlyList<(string Code, double Strength)> PrepareOffering(OfferingDocument offering) =>
        ReadItems(offering.RevisionId, offering.Title, offering.Summary, offering.Keywords, offering.Directions);

    /// <summary>The items the need model reads in an offering's title, summary and keywords, cached per revision.</summary>
    private (string Code, double Strength)[] ReadItems(Guid revisionId, string title, string summary, IReadOnlyList<string> keywords, IReadOnlyList<string> directions)
    {
        if (_offeringItems.TryGetValue(revisionId, out var items))
        {
            return items;
        }
        if (_offeringItems.Count >= MaxCachedOfferings)
        {
            _offeringItems.Clear();
        }
        // The offering's own directions are the integrator's word: items of other directions read in its text count less.
        var classified = _taxonomyNeeds.Classify(title + "。" + summary + "。" + string.Join("，", keywords), max: weights.MaxOfferingItems + 2, minShare: weights.OfferingMinShare / 2)
            .Select(c => (c.Code, Score: c.Score * (OfferingDeclares(directions, c.Code) ? 1 : weights.OfferingOtherDirectionPrior)))
            .OrderByDescending(c => c.Score).ThenBy(c => c.Code, StringComparer.Ordinal)
            .ToArray();
        var top = classified.Length == 0 ? 1 : classified[0].Score;
        items = classified.Where(c => c.Score >= weights.OfferingMinShare * top).Take(weights.MaxOfferingItems)
            .Select(c => (c.Code, Math.Pow(c.Score / top, weights.OfferingSharePower))).ToArray();
        _offeringItems[revisionId] = items;
        return items;
    }

    /// <summary>Whether the items of this offering revision are cached.</summary>
    public bool IsPrepared(Guid revisionId) => _offeringItems.ContainsKey(revisionId);

    private static bool OfferingDeclares(IReadOnlyList<string> directions, string itemCode) =>
        directions.Contains(SubDirection.DirectionOf(itemCode)) || itemCode.StartsWith(GeneralDirection + ".", StringComparison.Ordinal);

    private string DirectionName(string code) => taxonomy.FindDirection(code)?.Name ?? code;

    private string ItemName(string code) => taxonomy.FindSubDirection(code)?.Name ?? code;

    private static string FoldedWithoutSpaces(string text)
    {
        var folded = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                folded.Append(NeedFeatures.Fold(c));
            }
        }
        return folded.ToString();
    }

    /// <summary>Amounts as people say them: 8000元, 5万元, 1.2亿元.</summary>
    public static string Yuan(long amount) => amount switch
    {
        >= 100_000_000 => (amount / 100_000_000m).ToString("0.##", CultureInfo.InvariantCulture) + "亿元",
        >= 10_000 => (amount / 10_000m).ToString("0.##", CultureInfo.InvariantCulture) + "万元",
        _ => amount.ToString(CultureInfo.InvariantCulture) + "元",
    };
}
