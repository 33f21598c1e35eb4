using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Search.Analysis;

/// <summary>A query term as the user (or the thesaurus) wrote it, and as analysis folded it.</summary>
internal sealed record QueryTerm(string Display, string Folded, float Weight);

/// <summary>The terms of a search, in order; <paramref name="HasWords"/> is false when the text has no word to search by.</summary>
internal sealed record QueryTermList(IReadOnlyList<QueryTerm> Terms, bool HasWords);

/// <summary>
/// The terms both engines search by, each its own SHOULD clause (any one may match): each word of the text (and each word
/// its parts make across a space, <see cref="QueryWords.AcrossSpaces"/>), each sub-word of its long words
/// (<see cref="QueryWords.SubWords"/>), each thesaurus expansion and each boost term; each once (the first wins).
/// </summary>
internal static class QueryTerms
{
    public const int MaxTextLength = 200;
    private const int MaxTermsPerSource = 32;
    private const int MaxTermLength = 50;

    /// <summary>
    /// A lone Chinese character in colloquial text is mostly a light verb, measure word or particle
    /// (要、多、干、上、好、送) that matches everywhere; it counts for little next to real words.
    /// </summary>
    public const float SingleCharacterWeight = 0.2f;

    public static QueryTermList Of(string? text, IReadOnlyList<WeightedTerm> boostTerms, Thesaurus thesaurus)
    {
        var raw = TextFolding.Truncate(text ?? "", MaxTextLength);
        var folded = TextFolding.Fold(raw);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        var textTerms = QueryWords.Of(folded)
            .Select(s => new QueryTerm(raw[s.Start..s.End], s.Text, WordWeight(s.Text)))
            .Where(t => seen.Add(t.Folded))
            .Take(MaxTermsPerSource)
            .ToList();
        var joined = QueryWords.AcrossSpaces(folded)
            .Select(w => new QueryTerm(w, w, QueryWords.JoinedWordWeight))
            .Where(t => seen.Add(t.Folded))
            .ToList();
        textTerms.AddRange(joined);
        var subWords = QueryWords.SubWords(folded, textTerms.Select(t => new Segment(t.Folded, 0, t.Folded.Length)))
            .Select(s => new QueryTerm(s.Text, s.Text, QueryWords.SubWordWeight))
            .Where(t => seen.Add(t.Folded))
            .Take(MaxTermsPerSource)
            .ToList();
        var expansions = textTerms.Count == 0
            ? []
            : thesaurus.Expand(folded).Select(ToTerm).OfType<QueryTerm>().Where(t => seen.Add(t.Folded)).Take(MaxTermsPerSource).ToList();
        var boosts = boostTerms.Select(ToTerm).OfType<QueryTerm>().Where(t => seen.Add(t.Folded)).Take(MaxTermsPerSource).ToList();

        return new QueryTermList([.. textTerms, .. subWords, .. expansions, .. boosts], HasWords: textTerms.Count > 0);
    }

    private static float WordWeight(string word) =>
        word.Length == 1 && word[0] >= 0x3400 ? SingleCharacterWeight : 1f;

    private static QueryTerm? ToTerm(WeightedTerm term)
    {
        if (string.IsNullOrWhiteSpace(term.Term) || !float.IsFinite(term.Weight) || term.Weight <= 0)
        {
            return null;
        }
        var display = TextFolding.Truncate(term.Term, MaxTermLength);
        return new QueryTerm(display, TextFolding.Fold(display), Math.Min(term.Weight, 10f));
    }

    /// <summary>The one Han character the text is, blanks aside; null for anything else.</summary>
    public static char? LoneCharacter(string? text)
    {
        // Every search passes here: anything but one character (blanks aside) is answered without folding a copy.
        if (text is null || text.AsSpan().Trim().Length != 1)
        {
            return null;
        }
        var folded = TextFolding.Fold(text).Trim();
        return folded.Length == 1 && BigramCharClasses.Of(folded[0]) == BigramCharClass.Han ? folded[0] : null;
    }
}
