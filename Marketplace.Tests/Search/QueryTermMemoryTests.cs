using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Marketplace.Search.Lucene;

namespace Marketplace.Tests.Search;

/// <summary>The analysed query terms the query builder remembers: bounded, and common words stay whatever the vocabulary.</summary>
public class QueryTermMemoryTests
{
    [Test]
    public void A_word_searched_again_and_again_stays_remembered_while_a_larger_vocabulary_passes_through()
    {
        using var analyzer = OfferingAnalysis.CreateIndexAnalyzer(OfferingFields.BigramFields);
        var builder = new OfferingQueryBuilder(analyzer, Thesaurus.Default);
        var words = LargeVocabulary(OfferingQueryBuilder.MaxRememberedTerms * 2);
        var forgotten = 0;
        for (var i = 0; i < words.Count; i++)
        {
            builder.ClauseForTerm(words[i]);
            forgotten += builder.Remembers("视觉检测") || i == 0 ? 0 : 1;
            if (i % 100 == 0)
            {
                builder.ClauseForTerm("视觉检测");
            }
        }
        Assert.That(forgotten, Is.Zero, "a word searched every hundred searches is never analysed again");
        Assert.That(builder.Remembers(words[0]), Is.False, "a word searched once long ago is forgotten");
        Assert.That(builder.Remembers(words[^1]), Is.True);
    }

    /// <summary>Distinct two-character Han strings (not real words: only their number matters here).</summary>
    private static List<string> LargeVocabulary(int count) =>
        Enumerable.Range(0, count).Select(i => new string([(char)(0x4E00 + (i / 200)), (char)(0x5000 + (i % 200))])).ToList();
}
