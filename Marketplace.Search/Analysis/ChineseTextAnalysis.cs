using Marketplace.Core.Searching;

namespace Marketplace.Search.Analysis;

/// <summary>
/// <see cref="ITextAnalysis"/> with the offering index's analyzers: jieba words (with the taxonomy's terms as user words)
/// as <c>w:</c> terms of weight 1, and CJK bigrams as <c>b:</c> terms of weight <see cref="BigramWeight"/> (recall when
/// a query and a text are segmented differently). Analyzers are thread-safe (per-thread token stream reuse).
/// </summary>
public sealed class ChineseTextAnalysis : ITextAnalysis, IDisposable
{
    public const float BigramWeight = 0.5f;
    public const int MaxTermLength = 100;

    private readonly ChineseWordAnalyzer _words = new();
    private readonly ChineseBigramAnalyzer _bigrams = new();

    public IReadOnlyList<AnalyzedTerm> Terms(string text)
    {
        var terms = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var token in OfferingAnalysis.Analyze(_words, "text", text))
        {
            Add(terms, "w:" + token.Term.ToLowerInvariant(), 1f);
        }
        foreach (var token in OfferingAnalysis.Analyze(_bigrams, "text", text))
        {
            Add(terms, "b:" + token.Term, BigramWeight);
        }
        return terms.Select(t => new AnalyzedTerm(t.Key, t.Value)).ToArray();
    }

    private static void Add(Dictionary<string, float> terms, string term, float weight)
    {
        if (term.Length <= MaxTermLength && term.Length > 2 && !string.IsNullOrWhiteSpace(term[2..]))
        {
            terms[term] = Math.Max(terms.GetValueOrDefault(term), weight);
        }
    }

    public void Dispose()
    {
        _words.Dispose();
        _bigrams.Dispose();
    }
}
