using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Matching;

/// <summary>A technology item the demand asks for, as understood: its weight (0–1) and the words of the demand behind it.</summary>
public sealed record UnderstoodItem(string Code, string Name, double Weight, IReadOnlyList<string> Evidence);

/// <summary>
/// What the matcher understood a demand item to ask for: the function (technology items, strongest first), separately
/// from the industry the enterprise works in, and the sentence shown to people, e.g.
/// <c>理解为：生产流程数据采集与可视化（停机、产量）；行业：机制纸及纸板制造</c>.
/// </summary>
/// <param name="Confidence">0–1: how clearly the text names a function the taxonomy knows.</param>
public sealed record NeedUnderstanding(IReadOnlyList<UnderstoodItem> Items, string? Industry, double Confidence)
{
    public static NeedUnderstanding None { get; } = new([], null, 0);

    /// <summary>
    /// Every item the text points to at all (the understood ones and weaker readings): an offering of none of them provides
    /// another function. Set by matching, for its relevance floor; empty in a search query's reading.
    /// </summary>
    public IReadOnlySet<string> Related { get; init; } = new HashSet<string>();

    /// <summary>
    /// The text names no function the taxonomy knows, at most general wishes (数字化、转型, in <see cref="GeneralWords"/>):
    /// <see cref="Items"/> is empty, and the answer asks for the concrete problem rather than guessing an item.
    /// </summary>
    public bool IsVague { get; init; }

    /// <summary>The general wishes a vague demand was read through, shown in <see cref="Summary"/>.</summary>
    public IReadOnlyList<string> GeneralWords { get; init; } = [];

    /// <summary>Said with the matches of a vague demand: what would make the matching precise.</summary>
    public const string VagueNote = "需求描述较笼统，以下方案仅按文字相关列出：" + VagueAsk;

    /// <summary>Said for a vague demand that no offering's text meets either.</summary>
    public const string VagueNoteWithoutMatches = "需求描述较笼统，也没有文字相关的方案：" + VagueAsk;

    /// <summary>
    /// Below this confidence a reading is a guess from a few words (a fragment, a consequence): the answer says so and asks
    /// for what would make it precise. (On the tuning sets: 23 of 132 demands, ranked at nDCG@10 0.79 against 0.86 for
    /// the others, and four of the six ranked worst.)
    /// </summary>
    public const double WeakConfidence = 0.5;

    /// <summary>Said with the matches of a weakly read demand whose owner did not state the technology item.</summary>
    public const string WeakNote = "对所需功能的理解把握不大：如理解有误，请补充想解决的具体问题，或为该项指定技术条目（subDirection）";

    private const string VagueAsk = "请说明想解决的具体问题（如设备停机多、质量难追溯、库存对不上、能耗高），或通过区县经信部门申请智能化改造数字化转型诊断";

    /// <summary>The understood need in Chinese, for the answer and the reasons.</summary>
    public string Summary
    {
        get
        {
            var function = IsVague && GeneralWords.Count > 0
                ? $"未能从描述中确定所需功能（{string.Join("、", GeneralWords)}是笼统的说法）"
                : Items.Count == 0
                ? "未能从描述中确定所需功能"
                : "理解为：" + string.Join("；", Items.Take(2).Where(i => i.Weight >= SecondItemShare * Items[0].Weight)
                    .Select(i => i.Evidence.Count == 0 ? i.Name : $"{i.Name}（{string.Join("、", i.Evidence)}）"));
            return Industry is null ? function : $"{function}；行业：{Industry}";
        }
    }

    /// <summary>A second item is named in <see cref="Summary"/> when it weighs at least this share of the first.</summary>
    public const double SecondItemShare = 0.6;

    internal static string? IndustryOf(EnterpriseProfile enterprise, TaxonomyCatalog taxonomy, string? direction) =>
        !string.IsNullOrWhiteSpace(enterprise.Industry) ? enterprise.Industry.Trim()
        : direction is not null ? taxonomy.FindDirection(direction)?.Name
        : null;
}
