using Marketplace.Core.Matching;

namespace Marketplace.Search.Analysis;

/// <summary>The words both engines search a query by (one reading of <c>q</c> for Lucene, Elasticsearch and the API).</summary>
public static class QueryWords
{
    /// <summary>The weight of a sub-word (<see cref="SubWords"/>) against a word the owner wrote.</summary>
    public const float SubWordWeight = 0.25f;

    /// <summary>
    /// The weight of a word an owner split with a space (<see cref="AcrossSpaces"/>): it stands for its two parts, so an
    /// offering holding the whole term weighs at least as much as one holding the parts apart.
    /// </summary>
    public const float JoinedWordWeight = 2f;

    /// <summary>jieba's words of already folded text, stop words left out.</summary>
    public static IEnumerable<Segment> Of(string foldedText) =>
        JiebaSegmentation.Segment(foldedText).Where(s => !StopWords.Chinese.Contains(s.Text));

    /// <summary>Whether the text has a word to search by: one of only stop words, punctuation or symbols (的, ？？) has none.</summary>
    public static bool Any(string? text) => !string.IsNullOrWhiteSpace(text) && Of(TextFolding.Fold(text)).Any();

    /// <summary>
    /// The words an owner split with spaces that jieba reads as one word once the spaces between Han characters are gone
    /// (焊接 机器人 → 焊接机器人): searched as well, at <see cref="JoinedWordWeight"/>, since the owner wrote both parts.
    /// </summary>
    public static IReadOnlyList<string> AcrossSpaces(string foldedText)
    {
        if (!foldedText.Any(char.IsWhiteSpace))
        {
            return []; // the common query: nothing to join, nothing to copy
        }
        var joined = new System.Text.StringBuilder(foldedText.Length);
        var cuts = new List<int>();
        for (var i = 0; i < foldedText.Length; i++)
        {
            if (!char.IsWhiteSpace(foldedText[i]))
            {
                joined.Append(foldedText[i]);
                continue;
            }
            var next = i;
            while (next < foldedText.Length && char.IsWhiteSpace(foldedText[next]))
            {
                next++;
            }
            if (joined.Length > 0 && next < foldedText.Length && HmmSegmenter.IsHan(joined[^1]) && HmmSegmenter.IsHan(foldedText[next]))
            {
                cuts.Add(joined.Length);
            }
            i = next - 1;
        }
        if (cuts.Count == 0)
        {
            return [];
        }
        return Of(joined.ToString())
            .Where(s => cuts.Any(cut => s.Start < cut && cut < s.End))
            .Select(s => s.Text)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// A long word of a keyword query that the catalog may write only in part: 服装厂 where offerings say 服装, 化工厂 where they
    /// say 化工. jieba keeps such a word whole, so neither its word form nor its bigram phrase finds those offerings; both
    /// engines add its dictionary sub-words (<see cref="WordSegmenter.SubWords"/>) as terms of their own, at
    /// <see cref="SubWordWeight"/>. Stop words left out, each once. Not for a sentence (as many letters as
    /// <see cref="DemandMatcher.SearchSentenceLength"/> or more): the need model reads it, and its function's terms find the
    /// offerings, while sub-words would add a sixth more terms to score at a cost measured in throughput.
    /// </summary>
    public static IEnumerable<Segment> SubWords(string text, IEnumerable<Segment> words) =>
        text.Count(char.IsLetterOrDigit) >= DemandMatcher.SearchSentenceLength
            ? []
            : words.SelectMany(JiebaSegmentation.SubWords)
                .Where(s => !StopWords.Chinese.Contains(s.Text))
                .DistinctBy(s => s.Text, StringComparer.Ordinal);
}
