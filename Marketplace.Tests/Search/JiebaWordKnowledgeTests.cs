using Marketplace.Search.Analysis;

namespace Marketplace.Tests.Search;

/// <summary>General knowledge of words read from jieba.NET's own resources (its corpus IDF table).</summary>
public class JiebaWordKnowledgeTests
{
    private static readonly JiebaWordKnowledge Knowledge = JiebaWordKnowledge.Default;

    [TestCase("知道")]
    [TestCase("问题")]
    [TestCase("我们")]
    public void Words_of_any_text_say_little(string word) =>
        Assert.That(Knowledge.Informativeness(word), Is.LessThan(0.3));

    [TestCase("电费")]
    [TestCase("停机")]
    [TestCase("扫码报工")]
    public void Rare_and_unknown_words_count_fully(string word) =>
        Assert.That(Knowledge.Informativeness(word), Is.EqualTo(1));

    [Test]
    public void Informativeness_grows_with_the_corpus_idf() =>
        Assert.That(new[] { "知道", "客户", "车间" }.Select(w => Knowledge.Informativeness(w)), Is.Ordered.Ascending);
}
