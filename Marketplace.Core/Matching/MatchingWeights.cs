namespace Marketplace.Core.Matching;

/// <summary>
/// The matcher's weights in one place (see docs/matching.md for how each was chosen). Relevance =
/// <see cref="TextWeight"/>·text^<see cref="TextPower"/> + <see cref="FunctionWeight"/>·function +
/// <see cref="DirectionWeight"/>·max(direction, function); the tuning harness varies them, production uses
/// <see cref="Default"/>.
/// </summary>
public sealed record MatchingWeights
{
    public static MatchingWeights Default { get; } = new();

    /// <summary>Share of relevance from the engine's text score relative to the best candidate.</summary>
    public double TextWeight { get; init; } = 0.45;

    /// <summary>Text relevance is compressed by this power: BM25 scores are spiky.</summary>
    public double TextPower { get; init; } = 0.5;

    /// <summary>Share of relevance from the function: an item the demand asks for that the offering provides.</summary>
    public double FunctionWeight { get; init; } = 0.4;

    /// <summary>Share of relevance from the direction (stated, else inferred), where the function does not already count.</summary>
    public double DirectionWeight { get; init; } = 0.15;

    /// <summary>An offering's item stands in for a different understood item by their profiles' similarity times this (at most 1).</summary>
    public double SiblingScale { get; init; } = 2.5;

    /// <summary>An item read in an offering's text outside its declared directions (and 通用) counts this much.</summary>
    public double OfferingOtherDirectionPrior { get; init; } = 0.7;

    /// <summary>An offering outside the direction that meets the function agrees with the direction by this share of its function.</summary>
    public double CrossDirectionShare { get; init; } = 0.8;

    /// <summary>Without a stated direction, the direction component follows the understood items' directions (else the inferred ones).</summary>
    public bool DirectionFromNeed { get; init; } = true;

    /// <summary>
    /// Industry words of the demand (the enterprise's declared industry, the directions' industry nouns) are searched as
    /// light boost terms of this weight instead of as words of the text.
    /// </summary>
    public double IndustryBoost { get; init; } = 0.3;

    /// <summary>Boost weight of an understood item's names and aliases in retrieval, times the item's weight…</summary>
    public double ItemBoost { get; init; } = 0.8;

    /// <summary>
    /// …and times the need's confidence raised to this power (0.9 → 0.66, 0.5 → 0.06). A weak reading hardly adds its item's
    /// vocabulary to the query: when it is a misreading, that vocabulary lifted the wrong item's offerings in text as well as
    /// in function and, as the best text hit, pushed the offerings sharing the owner's own words down the text scale.
    /// Matching only: a search's reading keeps its full boost (it has no function score beside the text).
    /// </summary>
    public double ItemBoostConfidencePower { get; init; } = 4;

    /// <summary>Features in a clause that says what the owner wants (想…, 希望…) weigh this much more than the situation's.</summary>
    public double RequestWeight { get; init; } = 2;

    /// <summary>An item a demand names by its own Latin name or alias (MES, WMS) reads first, by this share of the best reading above it (0: off).</summary>
    public double NamedItemLead { get; init; } = 0.05;

    /// <summary>Items the need model reads in a demand: at most this many…</summary>
    public int MaxNeedItems { get; init; } = 4;

    /// <summary>…each scoring at least this share of the best.</summary>
    public double NeedMinShare { get; init; } = 0.4;

    /// <summary>Weaker readings kept to tell a neighbouring function from another one (relevance floor): at most this many, each at least this share of the best.</summary>
    public int MaxRelatedItems { get; init; } = 12;

    public double RelatedMinShare { get; init; } = 0.1;

    /// <summary>An understood item's weight is its share of the best item raised to this power…</summary>
    public double SharePower { get; init; } = 1;

    /// <summary>…times (floor + (1 − floor) · confidence), confidence = 1 − exp(−best cosine / <see cref="ConfidenceScale"/>).</summary>
    public double ConfidenceFloor { get; init; } = 0.5;

    public double ConfidenceScale { get; init; } = 0.1;

    /// <summary>With a stated direction, a 通用 item's score is multiplied by this, another direction's by <see cref="OtherPrior"/>.</summary>
    public double GeneralPrior { get; init; } = 0.9;

    public double OtherPrior { get; init; } = 0.8;

    /// <summary>Items read in an offering's title, summary and keywords: at most this many, each at least this share of its best.</summary>
    public int MaxOfferingItems { get; init; } = 3;

    public double OfferingMinShare { get; init; } = 0.5;

    public double OfferingSharePower { get; init; } = 1;

    /// <summary>
    /// The catalog's language (<see cref="CatalogLanguage"/>): a feature of an item's offerings adds this much to the item's
    /// profile mass at full share (the taxonomy's name counts 3, an alias 2, a problem phrase 1)…
    /// </summary>
    public double CatalogWeight { get; init; } = 4;

    /// <summary>…its share being the item's offerings that hold it, out of their number plus this (one offering alone teaches less)…</summary>
    public double CatalogSmoothing { get; init; } = 1;

    /// <summary>…an offering teaching the items it declares, or if it declares none those read in it with at least this share of its best.</summary>
    public double CatalogMinStrength { get; init; } = 0.7;

    /// <summary>Share of the score that fit decides: score = relevance · (1 − FitShare + FitShare · fit).</summary>
    public double FitShare { get; init; } = 0.6;

    /// <summary>A missed budget or deadline keeps at most this much of its fit, then falls with the overshoot to 0 at twice the limit.</summary>
    public double MissFloor { get; init; } = 0.5;

    /// <summary>For small enterprises, fit loses up to this share when the offering is not 小快轻准 (heavy, slow, dear).</summary>
    public double LightweightShare { get; init; } = 0.2;

    /// <summary>When the demand says it wants to rent (or to buy, not rent), fit loses this share for an offering that is not offered that way.</summary>
    public double AcquisitionShare { get; init; } = 0.3;

    /// <summary>Relevance floor: an offering meeting no understood function needs at least this relative text score…</summary>
    public double TextFloor { get; init; } = 0.05;

    /// <summary>
    /// …and one that provides another function than any the demand points to, in another direction (not 通用), at least
    /// this relative text score…
    /// </summary>
    public double OtherFunctionTextFloor { get; init; } = 0.5;

    /// <summary>…but only when the need is read with at least this confidence (a weak reading may be wrong: then text decides).</summary>
    public double ClearNeedConfidence { get; init; } = 0.6;

    /// <summary>
    /// An offering that meets none of the functions asked for, outside the direction the owner stated (not 通用), is withheld
    /// whatever its text: when the pool has no offering of the function, the best text hit is itself unrelated, and text is
    /// relative to it.
    /// </summary>
    public bool WithholdOutsideStatedDirection { get; init; } = true;

    /// <summary>…and every offering at least this relevance and this share of the best relevance.</summary>
    public double AbsoluteFloor { get; init; } = 0.1;

    public double RelativeFloor { get; init; } = 0.1;
}
