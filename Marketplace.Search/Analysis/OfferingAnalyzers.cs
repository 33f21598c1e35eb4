using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Marketplace.Search.Analysis;

/// <summary>Words from jieba: precise matches on whole terms (弧焊机器人, 制造执行系统, mes).</summary>
public sealed class ChineseWordAnalyzer : Analyzer
{
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) =>
        new(new JiebaTokenizer(reader));
}

/// <summary>
/// Overlapping CJK character bigrams (机器人 → 机器, 器人) for recall when the document and the query
/// are segmented differently; Latin and digit runs stay whole and lower-cased (MES → mes, 5G → 5g).
/// </summary>
public sealed class ChineseBigramAnalyzer : Analyzer
{
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) =>
        new(new ChineseBigramTokenizer(reader));
}

/// <summary>
/// The bigram chain as Lucene builds it: StandardTokenizer → CJKWidthFilter → InvariantLowerCaseFilter → CJKBigramFilter.
/// <see cref="ChineseBigramTokenizer"/> reproduces its output and falls back to it for characters outside its table.
/// </summary>
public sealed class StandardBigramAnalyzer : Analyzer
{
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) => CreateChain(reader);

    internal static TokenStreamComponents CreateChain(TextReader reader)
    {
        var tokenizer = new StandardTokenizer(LuceneVersion.LUCENE_48, reader);
        TokenStream stream = new CJKWidthFilter(tokenizer);
        stream = new InvariantLowerCaseFilter(stream);
        stream = new CJKBigramFilter(stream);
        return new TokenStreamComponents(tokenizer, stream);
    }
}

/// <summary>
/// Lower-cases with the invariant casing table, char by char (ASCII fast path): Lucene's <c>LowerCaseFilter</c> goes
/// through the culture-aware <c>TextInfo</c> (ICU) for every token, which cost an eighth of the indexing CPU.
/// Same result for CJK, ASCII and the BMP letters; supplementary-plane letters are left as they are.
/// </summary>
public sealed class InvariantLowerCaseFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;

    public InvariantLowerCaseFilter(TokenStream input) : base(input) => _term = AddAttribute<ICharTermAttribute>();

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken())
        {
            return false;
        }
        var buffer = _term.Buffer;
        var length = _term.Length;
        for (var i = 0; i < length; i++)
        {
            var c = buffer[i];
            if (c < 0x80)
            {
                if ((uint)(c - 'A') <= 'Z' - 'A')
                {
                    buffer[i] = (char)(c | 0x20);
                }
            }
            else if (!char.IsSurrogate(c))
            {
                buffer[i] = char.ToLowerInvariant(c);
            }
        }
        return true;
    }
}

/// <summary>A term and its position as produced by an analyzer.</summary>
public readonly record struct AnalyzedToken(string Term, int Position);

public static class OfferingAnalysis
{
    /// <summary>Field-name suffix of the jieba word fields.</summary>
    public const string WordSuffix = "_w";

    /// <summary>Field-name suffix of the bigram fields.</summary>
    public const string BigramSuffix = "_b";

    /// <summary>One analyzer for the index: bigrams for <c>*_b</c> fields, jieba words for the rest.</summary>
    public static Analyzer CreateIndexAnalyzer(IEnumerable<string> bigramFields) =>
        new PerFieldAnalyzerWrapper(
            new ChineseWordAnalyzer(),
            bigramFields.ToDictionary(f => f, Analyzer (_) => new ChineseBigramAnalyzer()));

    public static List<AnalyzedToken> Analyze(Analyzer analyzer, string field, string text)
    {
        var tokens = new List<AnalyzedToken>();
        using var stream = analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        var position = -1;
        while (stream.IncrementToken())
        {
            position += increment.PositionIncrement;
            tokens.Add(new AnalyzedToken(term.ToString(), position));
        }
        stream.End();
        return tokens;
    }
}
