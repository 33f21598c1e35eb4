using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Matching;

/// <summary>The enterprise behind a demand list, from its organization.</summary>
public sealed record EnterpriseProfile(string District, string? Industry, string? Scale);

/// <summary>One demand item to match.</summary>
public sealed record DemandQuery(
    string Text,
    string? Direction,
    string? SubDirection,
    long? BudgetYuan,
    int? WithinDays,
    EnterpriseProfile Enterprise)
{
    /// <summary>The budget was read from the text (<see cref="StatedLimitsReader"/>): the owner left the field empty.</summary>
    public bool BudgetFromText { get; init; }

    /// <summary>The deadline was read from the text: the owner left the field empty.</summary>
    public bool DaysFromText { get; init; }
}

/// <summary>
/// A machine-readable reason, in Chinese, e.g. {"kind":"budget","ok":false,"detail":"最低报价80万元，超出预算50万元"}.
/// Kinds: text, need, direction, subDirection, inferredDirection, budget, time, district, lightweight, acquisition (renting or
/// buying when the demand says which, e.g. 提供租赁，可先租后买), evidence (verified work of the integrator in the same technology
/// item, e.g. 同类项目已验收3个，平均评分4.6).
/// </summary>
public sealed record MatchReason(string Kind, bool Ok, string Detail);

public sealed record OfferingMatch(
    Guid OfferingId,
    Guid RevisionId,
    string Title,
    Guid SupplierId,
    string SupplierName,
    double Score,
    IReadOnlyList<MatchReason> Reasons,
    IReadOnlyList<string> MatchedTerms);

public sealed record DemandMatchResult(IReadOnlyList<InferredDirection> InferredDirections, IReadOnlyList<OfferingMatch> Matches)
{
    /// <summary>What the matcher understood the item to ask for.</summary>
    public NeedUnderstanding Need { get; init; } = NeedUnderstanding.None;

    /// <summary>How many places of the requested top K stay empty because the remaining candidates fall below the relevance floor.</summary>
    public int Withheld { get; init; }

    /// <summary>
    /// Said in the answer when the demand is vague, nothing matched at all, no listed offering meets the function asked for
    /// (the list then only shares words or the direction), or the floor shortened the list.
    /// </summary>
    public string? Note => Need.IsVague ? (Matches.Count == 0 ? NeedUnderstanding.VagueNoteWithoutMatches : NeedUnderstanding.VagueNote)
        : Matches.Count == 0 && Withheld <= 0 ? (Need.Items.Count > 0
            ? $"资源池暂无提供「{Need.Items[0].Name}」的方案；新方案发布后将自动重新匹配"
            : "资源池暂无与该需求相关的方案；新方案发布后将自动重新匹配")
        : Matches.Count > 0 && Need.Items.Count > 0 && !Matches.Any(m => m.Reasons.Any(r => r.Kind == MatchReasonKinds.Need && r.Ok))
            ? $"资源池暂无提供「{Need.Items[0].Name}」的方案，以下方案仅文字或方向相近；新方案发布后将自动重新匹配"
        : Withheld <= 0 ? null
        : Matches.Count == 0 ? "没有方案与所需功能足够相关，未列出关联过弱的方案"
        : $"仅{Matches.Count}个方案与所需功能足够相关，其余关联过弱，未列出";
}

public static class MatchReasonKinds
{
    public const string Text = "text";
    public const string Need = "need";
    public const string Direction = "direction";
    public const string SubDirection = "subDirection";
    public const string InferredDirection = "inferredDirection";
    public const string Budget = "budget";
    public const string Time = "time";
    public const string District = "district";
    public const string Lightweight = "lightweight";
    public const string Acquisition = "acquisition";
    public const string Evidence = MatchEvidence.ReasonKind;
}

/// <summary>A search query read as a need: what it is understood to ask for, and the terms that find that function.</summary>
public sealed record SearchReading(NeedUnderstanding Need, IReadOnlyList<WeightedTerm> BoostTerms);
