using System.Text;
using Marketplace.Core.Taxonomy;
using Marketplace.Eval;
using Marketplace.Search.Analysis;
using Marketplace.Tests.Matching;

namespace Marketplace.Tests.Search;

/// <summary>
/// <see cref="WordSegmenter"/> gives exactly jieba.NET's words (text, start, end) on the texts the
/// marketplace indexes and on texts made to hit jieba's corner cases; see <see cref="JiebaReference"/>.
/// </summary>
public class WordSegmenterTests
{
    [Test, Category(TestCategories.EvalData)]
    public void Evaluation_offerings_and_demands_segment_as_in_jieba()
    {
        var folders = MatchingEvaluation.DatasetFolders();
        if (folders.Count == 0)
        {
            Assert.Ignore("No evaluation datasets found (../shared/eval-dev or MARKETPLACE_EVAL_DATA).");
        }
        var texts = new List<string>();
        foreach (var data in folders.Select(EvalDataset.Load))
        {
            foreach (var o in data.Offerings)
            {
                texts.AddRange([o.Title, o.Summary, o.Description, o.Supplier.Name, .. o.Keywords, .. o.Districts]);
            }
            foreach (var d in data.Demands)
            {
                texts.AddRange([d.Text, d.Enterprise.Name, d.Enterprise.Industry ?? "", d.Enterprise.Scale ?? ""]);
            }
        }
        AssertSameAsJieba(Folded(texts));
    }

    [TestCase("服装厂", new[] { "服装" })]
    [TestCase("化工厂", new[] { "化工", "工厂" })]
    [TestCase("服装", new string[0])]
    [TestCase("mes系统", new string[0])]
    public void Sub_words_are_the_dictionary_words_inside_a_long_word_as_in_jiebas_search_mode(string word, string[] expected) =>
        Assert.That(JiebaSegmentation.SubWords(new Segment(word, 10, 10 + word.Length)).Select(s => (s.Text, s.Start)),
            Is.EqualTo(expected.Select(e => (e, 10 + word.IndexOf(e, StringComparison.Ordinal)))));

    [Test]
    public void Taxonomy_terms_segment_as_in_jieba()
    {
        var taxonomy = TaxonomyCatalog.Default;
        var texts = taxonomy.Directions.SelectMany(d => d.Aliases.Append(d.Name))
            .Concat(taxonomy.SubDirections.SelectMany(s => s.Aliases.Append(s.Name).Concat(s.Problems)))
            .Concat(taxonomy.Districts.Select(d => d.Name))
            .Concat(taxonomy.Document.Synonyms.SelectMany(g => g));
        AssertSameAsJieba(Folded(texts));
    }

    [Test]
    public void Generated_offerings_segment_as_in_jieba() =>
        AssertSameAsJieba(Folded(JiebaReference.GeneratedTexts(1_500)));

    [TestCaseSource(nameof(TrickyTexts))]
    public void Tricky_text_segments_as_in_jieba(string text) =>
        AssertSameAsJieba([text, TextFolding.Fold(text)]);

    [Test]
    public void Random_mixtures_of_words_symbols_and_scripts_segment_as_in_jieba()
    {
        var random = new Random(20260101);
        var dictionaryWords = File.ReadLines(Path.Combine(JiebaSegmentation.ResourceDirectory, "dict.txt"))
            .Select(line => line[..line.IndexOf(' ')])
            .ToArray();
        var domainTerms = Thesaurus.Default.DictionaryTerms.Concat(JiebaReference.TestUserWords).ToArray();
        string[] noise =
        [
            "a", "Z", "0", "7", ".", "%", "+", "#", "&", "_", "·", "-", " ", "\r\n", "\n", "\t", "，", "。", "、", "（", "）",
            "😀", "é", "ж", "の", "鿖", "㐀", "𠀀", "３", "Ｍ", "　", "3.5", "12%", "0.5%", "c++", "4.0", "v1.2.3", "..", "%%",
        ];
        var texts = new List<string>();
        for (var i = 0; i < 4_000; i++)
        {
            var text = new StringBuilder();
            for (var parts = random.Next(1, 30); parts > 0; parts--)
            {
                text.Append(random.Next(7) switch
                {
                    0 or 1 or 2 => dictionaryWords[random.Next(dictionaryWords.Length)],
                    3 => domainTerms[random.Next(domainTerms.Length)],
                    4 => (char)random.Next(0x4E00, 0x9FD6),
                    _ => noise[random.Next(noise.Length)],
                });
            }
            texts.Add(text.ToString());
            texts.Add(TextFolding.Fold(text.ToString()));
        }
        AssertSameAsJieba(texts);
    }

    [TestCase("c++开发")]
    [TestCase("工业4.0")]
    [TestCase("3.5万")]
    [TestCase("喷涂机器人工作站")]
    [TestCase("mes系统")]
    [TestCase("云-边-端")]
    [TestCase("王·小明")]
    public void User_words_are_kept_whole_as_in_jieba(string word)
    {
        var text = $"我们的{word}很好";
        Assert.That(JiebaReference.Segmenter.Segment(text).Select(s => s.Text), Does.Contain(word));
        AssertSameAsJieba([text]);
    }

    [Test]
    public void Production_segmentation_keeps_domain_terms_whole()
    {
        JiebaSegmentation.AddUserWords(Thesaurus.Default.DictionaryTerms);
        var words = JiebaSegmentation.Segment(TextFolding.Fold("弧焊机器人工作站对接制造执行系统，ＭＥＳ上线"));
        Assert.That(words.Select(w => w.Text), Is.SupersetOf(new[] { "弧焊机器人", "制造执行系统", "mes" }));
    }

    [Test]
    public void Segmentation_sees_each_batch_of_added_words_whole()
    {
        var segmenter = WordSegmenter.Load(JiebaSegmentation.ResourceDirectory);
        var words = Enumerable.Range(0, 1_000).Select(i => $"犇{(char)(0x4E00 + i)}骉")
            .Where(w => segmenter.Segment(w).All(s => s.Text != w))
            .Take(80)
            .ToArray();
        var text = string.Join("，", words);
        Assume.That(words, Has.Length.EqualTo(80));
        var inconsistent = new List<string>();
        var reader = Task.Run(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var seen = 0;
            while (seen < words.Length && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                // Batches of two words are published in order and whole: the first 2k words are found, no others.
                var found = segmenter.Segment(text).Select(s => s.Text).Where(words.Contains).ToList();
                if (found.Count % 2 != 0 || found.Count < seen || !found.SequenceEqual(words.Take(found.Count)))
                {
                    inconsistent.Add(string.Join(" ", found));
                    return;
                }
                seen = found.Count;
            }
        });
        foreach (var batch in words.Chunk(2))
        {
            segmenter.AddWords(batch);
        }
        reader.Wait();
        Assert.That(inconsistent, Is.Empty);
        Assert.That(segmenter.Segment(text).Select(s => s.Text), Is.EqualTo(words));
    }

    private static IEnumerable<TestCaseData> TrickyTexts() =>
    [
        Case("empty", ""),
        Case("space", " "),
        Case("whitespace only", "\t\r\n  \u00A0\u2003"),
        Case("line breaks", "\r\n第一行\r\n第二行\r\r\n\n第三行\r\n"),
        Case("decimals and percent", "３.５万元的设备，效率提升12.5%，不良率降到0.3%以下，1.2.3版，.5与5.及100%国产"),
        Case("standards and versions", "ISO9001:2015认证，v2.0版本，GB/T 19001-2016标准"),
        Case("symbols in words", "C++开发、C#程序员、.NET平台、Node.js服务、a_b_c、AT&T与at&t"),
        Case("full-width", "ＭＥＳ系统与ＳＭＴ贴片、ＰＬＣ改造，ＡＧＶ小车（３台）和５Ｇ专网　ＭＥＳ"),
        Case("Latin in dictionary words", "B超 U盘 4S店 PH值 T恤衫 IP地址 C语言 江南Style"),
        Case("punctuation runs", "%%% ### +++ &&& ___ --- ··· ... 。。。 ！？"),
        Case("middle dot and hyphen", "王·小明和马克·吐温，云-边-端协同，中-英对照"),
        Case("emoji, surrogate pairs, Han outside U+4E00–U+9FD5", "😀喷涂机器人😀，👍🏻好评，𠀀𠀁工作站，鿖鿗鿿，㐀㐁，豈"),
        Case("other scripts and numbers", "۱۲۳ Ⅻ ①②③ ² ½ café naïve Ελληνικά русский 한국어 日本語のテキスト"),
        Case("English", "Predictive maintenance for CNC machines: the quick brown fox, iPhone iPad Android Windows10"),
        Case("user words", "弧焊机器人工作站对接制造执行系统，数字孪生体与工业4.0，ai质检和mes系统"),
        Case("5,000 times 的", string.Concat(Enumerable.Repeat("的", 5_000))),
        Case("2,000 times 喷漆", string.Concat(Enumerable.Repeat("喷漆", 2_000))),
        Case("long Latin and digit runs", new string('a', 3_000) + "中" + string.Concat(Enumerable.Repeat("1234567890", 300))),
        Case("3,000 scattered Han characters", string.Concat(Enumerable.Range(0, 3_000).Select(i => (char)(0x4E00 + i * 7 % 20_950)))),
        Case("long sentence without punctuation", string.Concat(Enumerable.Repeat("很多机械企业面临设备联网难数据采集不全等问题本方案围绕制造执行系统涵盖排产计划质量追溯", 100))),
    ];

    private static TestCaseData Case(string name, string text) => new TestCaseData(text).SetArgDisplayNames(name);

    private static IEnumerable<string> Folded(IEnumerable<string> texts) => texts.Select(TextFolding.Fold);

    private static void AssertSameAsJieba(IEnumerable<string> texts)
    {
        var compared = 0;
        var different = 0;
        var differences = new List<string>();
        foreach (var text in texts)
        {
            compared++;
            var expected = JiebaReference.Expected(text);
            var actual = JiebaReference.Segmenter.Segment(text);
            if (!actual.SequenceEqual(expected) && ++different <= 5)
            {
                differences.Add($"{text}\n  jieba: {Describe(expected)}\n  ours:  {Describe(actual)}");
            }
        }
        Assert.That(compared, Is.GreaterThan(0));
        Assert.That(differences, Is.Empty, $"{different} of {compared} texts segment differently");
    }

    private static string Describe(IEnumerable<Segment> segments) => string.Join(" ", segments.Select(s => $"{s.Text}[{s.Start},{s.End})"));
}
