using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;

namespace Marketplace.Tests.Search;

public class LuceneAnalysisTests
{
    [OneTimeSetUp]
    public void LoadDomainTerms() => JiebaSegmentation.AddUserWords(Thesaurus.Default.DictionaryTerms);

    private static string[] Words(string text) =>
        OfferingAnalysis.Analyze(new ChineseWordAnalyzer(), "title_w", text).Select(t => t.Term).ToArray();

    private static string[] Bigrams(string text) =>
        OfferingAnalysis.Analyze(new ChineseBigramAnalyzer(), "title_b", text).Select(t => t.Term).ToArray();

    [Test]
    public void Jieba_dictionaries_are_in_the_output_folder() =>
        Assert.That(File.Exists(Path.Combine(JiebaSegmentation.ResourceDirectory, "dict.txt")), Is.True);

    [Test]
    public void Words_keep_acronyms_whole_lower_cased_and_unstemmed()
    {
        var words = Words("ＭＥＳ系统与SMT贴片、PLC改造，AGV小车和5G专网 MES");
        TestContext.Out.WriteLine(string.Join(" | ", words));
        Assert.That(words, Is.SupersetOf(new[] { "mes", "smt", "plc", "agv", "5g专网" }));
        Assert.That(words, Does.Not.Contain("me"));
    }

    [Test]
    public void Words_keep_domain_terms_whole()
    {
        var words = Words("弧焊机器人工作站，对接制造执行系统");
        TestContext.Out.WriteLine(string.Join(" | ", words));
        Assert.That(words, Does.Contain("制造执行系统"));
    }

    [Test]
    public void Bigrams_overlap_han_and_keep_latin_runs()
    {
        var bigrams = Bigrams("焊接机器人MES");
        Assert.That(bigrams, Is.EqualTo(new[] { "焊接", "接机", "机器", "器人", "mes" }));
    }

    [Test]
    public void Folding_preserves_length() =>
        Assert.That(TextFolding.Fold("ＡＧＶ　小车"), Is.EqualTo("agv 小车"));
}
