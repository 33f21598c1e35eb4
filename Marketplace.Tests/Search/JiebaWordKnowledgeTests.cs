using Marketplace.Search.Analysis;

namespace Marketplace.Tests.Search;

/// <summary>General knowledge of words read from jieba.NET's own resources (its corpus IDF table and 同义词词林).</summary>
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

    [Test]
    public void Close_synonyms_come_from_a_small_group_never_the_word_itself_nor_single_characters()
    {
        var synonyms = Knowledge.Synonyms("方子");
        Assert.Multiple(() =>
        {
            Assert.That(synonyms, Does.Contain("配方"));
            Assert.That(synonyms, Has.None.EqualTo("方子"));
            Assert.That(synonyms, Has.All.Length.GreaterThanOrEqualTo(2));
            Assert.That(Knowledge.Synonyms("没有这个词的词"), Is.Empty);
        });
    }

    [Test]
    public void A_large_loose_group_gives_no_synonyms()
    {
        // 做到 is in 词林's group of 完成 with 就、好、交卷 and a dozen more: too loose to stand for each other.
        Assert.That(Knowledge.Synonyms("交卷"), Has.None.EqualTo("完成"));
    }
}
