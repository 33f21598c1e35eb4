namespace Marketplace.Core.Searching;

/// <summary>A word of a text: where it starts and how many characters it has.</summary>
public readonly record struct WordSpan(int Start, int Length);

/// <summary>
/// The search engine's Chinese word segmentation as a port (jieba with the taxonomy's terms as user words), for Core's
/// own reading of text: need understanding takes its features from whole words, not from characters that meet across a
/// word boundary. Implemented in Marketplace.Search, so Core knows nothing of the segmenter.
/// </summary>
public interface IWordSegmentation
{
    /// <summary>The words of <paramref name="text"/> that have a letter or digit, in text order; punctuation and spaces are left out.</summary>
    IReadOnlyList<WordSpan> Words(string text);
}
