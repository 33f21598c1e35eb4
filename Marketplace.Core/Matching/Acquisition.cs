using Marketplace.Core.Searching;

namespace Marketplace.Core.Matching;

/// <summary>How an enterprise wants to acquire a solution, when its demand says so.</summary>
public enum AcquisitionWish
{
    None,

    /// <summary>Rent or try first (先租、租两台试试、试用): small firms lowering their risk.</summary>
    Rent,

    /// <summary>Buy outright, said by refusing to rent (不想租、不租) or by asking to buy (想买断一台、打算直接买).</summary>
    Buy,
}

/// <summary>
/// Reads renting versus buying from a demand and from an offering's title, summary and keywords. Only what the owner
/// says about acquiring the solution counts: 厂房是租的 or 新租的仓库 describe the premises, not the wish, so 租 counts only
/// after a word of wanting or trying (想租、先租、能不能租、考虑租) or before a count of machines (租两台、租个).
/// </summary>
public static class Acquisition
{
    private const string Negations = "不别没";
    private const string WishesBefore = "先想能可愿算虑要";
    private const string CountsAfter = "个台套几一两二三用";
    private const string BuyWishesBefore = "想要算备接";

    public static AcquisitionWish Wish(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var wish = AcquisitionWish.None;
        for (var i = text.IndexOf('租'); i >= 0; i = text.IndexOf('租', i + 1))
        {
            if (NegatedAt(text, i))
            {
                return AcquisitionWish.Buy;
            }
            var before = i > 0 ? text[i - 1] : '\0';
            var after = i + 1 < text.Length ? text[i + 1] : '\0';
            if (WishesBefore.Contains(before) || CountsAfter.Contains(after))
            {
                wish = AcquisitionWish.Rent;
            }
        }
        if (wish is not AcquisitionWish.None)
        {
            return wish;
        }
        return text.Contains("试用", StringComparison.Ordinal) || text.Contains("先试", StringComparison.Ordinal) ? AcquisitionWish.Rent
            : WantsToBuy(text) ? AcquisitionWish.Buy
            : AcquisitionWish.None;
    }

    /// <summary>买断, or 买 after a word of wanting (想买、打算买、直接买), not negated (不想买 says nothing about renting).</summary>
    private static bool WantsToBuy(string text)
    {
        for (var i = text.IndexOf('买'); i >= 0; i = text.IndexOf('买', i + 1))
        {
            var outright = i + 1 < text.Length && text[i + 1] == '断';
            var wanted = i > 0 && BuyWishesBefore.Contains(text[i - 1]);
            if ((outright || wanted) && !NegatedAt(text, i) && !RefusedInClause(text, i))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the offering is offered for rent (租赁、按月租、起租), and not said not to be (不提供租赁).</summary>
    public static bool OffersRental(OfferingHit hit)
    {
        ArgumentNullException.ThrowIfNull(hit);
        return OffersRental(hit.Title) || OffersRental(hit.Summary) || hit.Keywords.Any(OffersRental);
    }

    private static bool OffersRental(string text)
    {
        for (var i = text.IndexOf('租'); i >= 0; i = text.IndexOf('租', i + 1))
        {
            if (!NegatedAt(text, i))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A refusal earlier in the clause (不想一下子掏一大笔钱买断): the owner does not want to pay all at once.</summary>
    private static bool RefusedInClause(string text, int at)
    {
        var clause = Clauses.Before(text, at);
        return clause.Contains("不想", StringComparison.Ordinal) || clause.Contains("不要", StringComparison.Ordinal)
            || clause.Contains("不打算", StringComparison.Ordinal) || clause.Contains("没必要", StringComparison.Ordinal);
    }

    /// <summary>
    /// A negation within the three characters before 租 or 买, in the same clause (不想租、不提供租赁、别租、不想买); the 不 of a
    /// question (能不能租、可不可以租) is none.
    /// </summary>
    private static bool NegatedAt(string text, int at)
    {
        for (var k = at - 1; k >= Math.Max(0, at - 3) && char.IsLetter(text[k]); k--)
        {
            var question = k > 0 && k + 1 < text.Length && text[k - 1] == text[k + 1];
            if (Negations.Contains(text[k]) && !question)
            {
                return true;
            }
        }
        return false;
    }
}
