using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Search.Analysis;

/// <summary>
/// <see cref="IWordSegmentation"/> with the offering index's segmenter: jieba's words, the thesaurus' domain terms kept
/// whole. The terms are added here too, so the words do not depend on whether an index was opened first.
/// </summary>
public sealed class JiebaWordSegmentation : IWordSegmentation
{
    public JiebaWordSegmentation(Thesaurus thesaurus)
    {
        ArgumentNullException.ThrowIfNull(thesaurus);
        JiebaSegmentation.AddUserWords(thesaurus.DictionaryTerms);
    }

    public static JiebaWordSegmentation Default { get; } = new(Thesaurus.Default);

    // Folding keeps the length, so the spans of the folded text are those of the text.
    public IReadOnlyList<WordSpan> Words(string text) =>
        JiebaSegmentation.Segment(TextFolding.Fold(text)).Select(s => new WordSpan(s.Start, s.End - s.Start)).ToArray();
}
