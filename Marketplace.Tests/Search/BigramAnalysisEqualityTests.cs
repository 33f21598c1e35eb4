using System.Text;
using System.Text.Json;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Marketplace.Bench.Generation;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;

namespace Marketplace.Tests.Search;

/// <summary>
/// <see cref="ChineseBigramAnalyzer"/> (one-pass <see cref="ChineseBigramTokenizer"/>) must produce exactly the token
/// stream of <see cref="StandardBigramAnalyzer"/> (StandardTokenizer → CJKWidthFilter → InvariantLowerCaseFilter →
/// CJKBigramFilter): every term, position increment, position length, offset and type, and the end-of-stream state
/// that positions and offsets of multi-valued fields continue from. Otherwise the index and bigram queries would move.
/// </summary>
public class BigramAnalysisEqualityTests
{
    private readonly Analyzer _fast = new ChineseBigramAnalyzer();
    private readonly Analyzer _reference = new StandardBigramAnalyzer();

    [OneTimeTearDown]
    public void DisposeAnalyzers()
    {
        _fast.Dispose();
        _reference.Dispose();
    }

    [Test, Category(TestCategories.EvalData)]
    public void Evaluation_offerings_and_demands_analyse_identically()
    {
        var files = EvalFiles();
        if (files.Count == 0)
        {
            Assert.Ignore("No evaluation datasets found (../shared/eval-dev*).");
        }
        var texts = files.SelectMany(File.ReadLines).Where(l => l.Length > 0).SelectMany(l => Strings(JsonDocument.Parse(l).RootElement)).ToList();
        AssertIdentical(texts, minimumHandled: 0.99);
    }

    [Test]
    public void Taxonomy_texts_analyse_identically() =>
        AssertIdentical(Strings(JsonSerializer.SerializeToElement(TaxonomyCatalog.Default.Document)).ToList(), minimumHandled: 0.99);

    [Test]
    public void Generated_offerings_analyse_identically()
    {
        AssertIdentical(GeneratedOfferings(seed: 7, 3_000).SelectMany(o => o).ToList(), minimumHandled: 1);
    }

    private static readonly string[] Tricky =
    [
        "", " ", "\u3000全角空格\u3000", "中", "中文", "中 中", "中a中", "a中b文c", "中文English混合123数字",
        "ＭＥＳ系统与SMT贴片、PLC改造，AGV小车和5G专网 MES", "焊接机器人MES", "AI+制造", "4G/5G", "IP67", "x86_64",
        "3.5kW", "1,000台", "１，０００元", "３．５", "ＡＢＣ，ＤＥＦ", "Ｉｎｄｕｓｔｒｙ　４．０", "ＩＳＯ：９００１", "ａ＿ｂ",
        "a.b.c", "e.g.", "U.S.A.", "v1.2.3", "1.2.3.4", "a.1", "1.a", "1..2", "a::b", "1:2", "a,b", "1;2", "a;b",
        "don't", "O'Reilly", "rock'n'roll", "'quoted'", "a'", "'a", "1'2", "1''2", "it’s", "‘single’", "“双引号”",
        "_", "__", "_a_", "a__b", "1_000", "a_1", "_1_", "__中", "a_.b", "a._b", "a_,1",
        "http://www.example.com/path?q=1&x=2#frag", "foo@bar.com", "user.name+tag@example.co.uk", "C++/C#", "GB/T 19001-2016",
        "ISO9001:2015", "price: ¥1,200.50", "￥1,000", "3×4÷2", "±5%", "25℃", "100°C", "①②③", "㎡㎏", "㈠㊀", "《中华人民共和国》",
        "「引号」【重要】〔注〕", "张·三", "a·b", "——", "……", "※注意", "‰", "→↑", "■□▲△●○★☆", "✔✘", "ÀÉÎõü", "Straße", "İstanbul",
        "ΩμΣ", "Ǆǅǆ", "ß", "µ", "ª", "tab\tsep\r\nline\fpage", "a\u00ADb", "a\u200Db", "e\u0301", "中\u0301",
        "ｶﾀｶﾅ", "ｶﾞｷﾞ", "カタカナ", "ア_イ", "ア1", "ひらがな", "ひ中", "中ア", "한국어", "한1", "a한", "ภาษาไทย",
        "😀中文😀", "𠀀𠀁中", "中\uD800文", "\uDC00", "🇨🇳", "〇〆々", "〡〢", "〻", "ー", "・", "丨乂", "㐀㐁", "龥龦", "鿋鿌鿍",
        "豈更", "⺀⺁", "⼀", new string('a', 255), new string('a', 256), "中" + new string('a', 300) + "文",
        "x " + new string('1', 300), new string('a', 300) + " 中", "中 " + new string('a', 300), new string('中', 300),
        "a " + new string('b', 5000) + " c", string.Concat(Enumerable.Repeat("焊接机器人MES 3.5kW，", 5_000)),
    ];

    [Test]
    public void Tricky_strings_analyse_identically() => AssertIdentical(Tricky, minimumHandled: 0);

    [Test]
    public void Every_tabulated_character_analyses_identically_in_every_context()
    {
        string[] contexts = ["{0}", "a{0}b", "1{0}2", "a{0}1", "1{0}a", "中{0}文", "{0}{0}", "x{0}{0}y", "_{0}_", "{0}中", "中{0}", "Ａ{0}Ｂ", "１{0}２", "{0}a", "a{0}"];
        string[] hanContexts = ["{0}", "{0}{0}", "中{0}", "a{0}b", "1{0}"];
        var texts = new List<string>();
        for (var c = 0; c <= char.MaxValue; c++)
        {
            var s = ((char)c).ToString();
            if (!ChineseBigramTokenizer.Handles(s))
            {
                continue;
            }
            var isHan = c is >= 0x3400 and <= 0x9FFF;
            texts.AddRange((isHan ? hanContexts : contexts).Select(f => string.Format(System.Globalization.CultureInfo.InvariantCulture, f, s)));
        }
        Assert.That(texts, Has.Count.GreaterThan(100_000));
        AssertIdentical(texts, minimumHandled: 1);
    }

    [Test]
    public void Random_strings_over_every_character_class_analyse_identically()
    {
        // Representatives of every class the tokenizer tabulates, and a few it leaves to the reference chain.
        string[] handled = ["a", "Z", "é", "Ω", "Ｍ", "ｍ", "0", "9", "５", ":", "·", "：", ".", "'", "．", "＇", "’", ",", ";", "，", "；", "_", "＿",
            "中", "文", "字", "㐀", " ", "-", "/", "@", "、", "。", "（", "）", "\n", "℃", "×", "①"];
        string[] others = ["ア", "ひ", "한", "😀", "\u0301", "\u00AD", "\u200D", "ｶ", "ﾞ", "ก", "〇"];
        var random = new Random(12345);
        var texts = new List<string>();
        for (var n = 0; n < 60_000; n++)
        {
            var builder = new StringBuilder();
            var withOthers = n % 5 == 0;
            var length = random.Next(1, 25);
            for (var k = 0; k < length; k++)
            {
                builder.Append(withOthers && random.Next(6) == 0 ? others[random.Next(others.Length)] : handled[random.Next(handled.Length)]);
            }
            texts.Add(builder.ToString());
        }
        AssertIdentical(texts, minimumHandled: 0.75);
    }

    [Test]
    public void Multi_valued_fields_index_identical_postings()
    {
        // As the index has them: the title alone in title_b, every text of the offering in all_b.
        var offerings = GeneratedOfferings(seed: 11, 500);
        IEnumerable<IEnumerable<string>> Values(int n) => [[offerings[n][0]], [.. offerings[n], .. Tricky.Skip(n % Tricky.Length).Take(3)]];
        Assert.That(Postings(_fast, Values, offerings.Count), Is.EqualTo(Postings(_reference, Values, offerings.Count)));
    }

    /// <summary>Every field's terms with, per document, their positions (and so the frequencies).</summary>
    private static List<string> Postings(Analyzer analyzer, Func<int, IEnumerable<IEnumerable<string>>> values, int count)
    {
        using var directory = new RAMDirectory();
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, analyzer)))
        {
            for (var n = 0; n < count; n++)
            {
                var document = new Document();
                var field = 0;
                foreach (var fieldValues in values(n))
                {
                    foreach (var value in fieldValues)
                    {
                        document.Add(new TextField("f" + field, value, Field.Store.NO));
                    }
                    field++;
                }
                writer.AddDocument(document);
            }
        }
        using var reader = DirectoryReader.Open(directory);
        var lines = new List<string>();
        var fields = MultiFields.GetFields(reader);
        foreach (var name in fields)
        {
            var terms = fields.GetTerms(name).GetEnumerator();
            while (terms.MoveNext())
            {
                var postings = terms.DocsAndPositions(null, null);
                while (postings.NextDoc() != DocIdSetIterator.NO_MORE_DOCS)
                {
                    var positions = Enumerable.Range(0, postings.Freq).Select(_ => postings.NextPosition());
                    lines.Add($"{name} {terms.Term.Utf8ToString()} {postings.DocID}: {string.Join(',', positions)}");
                }
            }
        }
        Assert.That(lines, Is.Not.Empty);
        return lines;
    }

    /// <summary>Per generated offering: title, summary, description, keywords and cases, as the rebuild indexes them.</summary>
    private static List<string[]> GeneratedOfferings(int seed, int count)
    {
        var generator = new OfferingGenerator(new Corpus(TaxonomyCatalog.Default), seed);
        return Enumerable.Range(0, count)
            .Select(n => generator.Create(n, out _))
            .Select(o => new[] { o.Title!, o.Summary!, o.Description! }
                .Concat(o.Keywords ?? [])
                .Concat((o.Cases ?? []).Select(c => $"{c.Customer} {c.District} {c.Year} {c.Outcome}"))
                .ToArray())
            .ToList();
    }

    private void AssertIdentical(IReadOnlyList<string> texts, double minimumHandled)
    {
        var handled = 0;
        foreach (var text in texts)
        {
            var expected = Tokens(_reference, text);
            var actual = Tokens(_fast, text);
            if (!actual.SequenceEqual(expected))
            {
                Assert.That(actual, Is.EqualTo(expected), $"text: \"{Escape(text)}\"");
            }
            handled += ChineseBigramTokenizer.Handles(text) ? 1 : 0;
        }
        TestContext.Out.WriteLine($"{texts.Count} texts identical, {handled} analysed by the one-pass tokenizer");
        Assert.That(handled, Is.GreaterThanOrEqualTo(minimumHandled * texts.Count), "texts the tokenizer handles itself");
    }

    private readonly record struct Token(string Term, int Increment, int Length, int Start, int End, string Type);

    private static List<Token> Tokens(Analyzer analyzer, string text)
    {
        var tokens = new List<Token>();
        using var stream = analyzer.GetTokenStream("all_b", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        var length = stream.AddAttribute<IPositionLengthAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var type = stream.AddAttribute<ITypeAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add(new Token(term.ToString(), increment.PositionIncrement, length.PositionLength, offset.StartOffset, offset.EndOffset, type.Type));
        }
        stream.End();
        tokens.Add(new Token("<end>", increment.PositionIncrement, length.PositionLength, offset.StartOffset, offset.EndOffset, type.Type));
        return tokens;
    }

    private static string Escape(string text)
    {
        var shown = text.Length > 200 ? text[..200] + "…" : text;
        return string.Concat(shown.Select(c => c < 0x20 || char.IsSurrogate(c) || c is >= '\u0300' and <= '\u036F' ? $"\\u{(int)c:X4}" : c.ToString()));
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        _ => [],
    };

    private static IReadOnlyList<string> EvalFiles()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var shared = new DirectoryInfo(Path.Combine(dir.FullName, "shared"));
            if (shared.Exists && shared.EnumerateDirectories("eval-dev*").Any())
            {
                return shared.EnumerateDirectories("eval-dev*").SelectMany(d => d.EnumerateFiles("*.jsonl")).Select(f => f.FullName).ToList();
            }
        }
        return [];
    }
}
