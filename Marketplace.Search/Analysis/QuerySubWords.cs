namespace Marketplace.Search.Analysis;

/// <summary>
/// A long word of a query that the catalog may write only in part: 服装厂 where offerings say 服装, 化工厂 where they say
/// 化工. jieba keeps such a word whole, so neither its word form nor its bigram phrase finds those offerings; both engines
/// add its dictionary sub-words (<see cref="WordSegmenter.SubWords"/>) as terms of their own, weighed less than the words
/// the owner wrote.
/// </summary>
public static class QuerySubWords
{
    public const float Weight = 0.25f;

    /// <summary>The sub-words of the query's words (folded segments), stop words left out, each once.</summary>
    public static IEnumerable<Segment> Of(IEnumerable<Segment> words) => words
        .SelectMany(JiebaSegmentation.SubWords)
        .Where(s => !StopWords.Chinese.Contains(s.Text))
        .DistinctBy(s => s.Text, StringComparer.Ordinal);
}
