namespace Marketplace.Core.Searching;

/// <summary>
/// What general Chinese says about a word, as a port for Core: the segmenter's package ships a corpus IDF table, knowledge
/// of words beyond the taxonomy and the catalog. Implemented in Marketplace.Search.
/// </summary>
public interface IWordKnowledge
{
    /// <summary>How much a word says, 0–1: 1 for rare and unknown words, less for words common in any Chinese text (知道、问题、电话).</summary>
    double Informativeness(ReadOnlySpan<char> word);
}
