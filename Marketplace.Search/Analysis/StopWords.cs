namespace Marketplace.Search.Analysis;

/// <summary>Function words dropped from the word field and from queries ("我们需要一个MES系统").</summary>
public static class StopWords
{
    public static readonly IReadOnlySet<string> Chinese = new HashSet<string>(StringComparer.Ordinal)
    {
        "的", "了", "和", "与", "及", "或", "在", "是", "有", "等", "为", "对", "把", "被", "也", "就", "都", "而",
        "并", "以及", "及其", "我", "我们", "你", "你们", "他们", "它", "这", "那", "这个", "那个", "一个", "一些",
        "什么", "怎么", "如何", "哪些", "需要", "想", "想要", "希望", "请问", "能否", "可以", "能", "吗", "呢", "吧",
        "a", "an", "and", "or", "the", "of", "for", "to", "in", "on", "with",
    };
}
