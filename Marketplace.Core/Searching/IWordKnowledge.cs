namespace Marketplace.Core.Searching;

/// <summary>
/// What general Chinese says about a word, as a port for Core's need understanding: the segmenter's package ships a corpus
/// IDF table and the 同义词词林 thesaurus, the only knowledge of word meaning this project has beyond its taxonomy and
/// catalog. Implemented in Marketplace.Search.
/// </summary>
public interface IWordKnowledge
{
    /// <summary>How much a word says, 0–1: 1 for rare and unknown words, less for words common in any Chinese text (知道、问题、电话).</summary>
    double Informativeness(ReadOnlySpan<char> word);

    /// <summary>Close synonyms of a word of two or more characters (方子 → 配方、处方), without the word itself; empty when none are known.</summary>
    IReadOnlyList<string> Synonyms(string word);
}
