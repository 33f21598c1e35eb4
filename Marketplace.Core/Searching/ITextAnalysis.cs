namespace Marketplace.Core.Searching;

/// <summary>An index term with its weight (words weigh more than the character bigrams that back them up).</summary>
public readonly record struct AnalyzedTerm(string Term, float Weight);

/// <summary>
/// The search engine's Chinese analysis as a port, for text that Core searches itself (the case library): words and
/// character bigrams, exactly as the offering index analyses them. Implemented in Marketplace.Search, so Core knows
/// nothing of Lucene.
/// </summary>
public interface ITextAnalysis
{
    /// <summary>Distinct terms of <paramref name="text"/>, each with its weight.</summary>
    IReadOnlyList<AnalyzedTerm> Terms(string text);
}
