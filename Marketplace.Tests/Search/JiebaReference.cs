using JiebaNet.Segmenter;
using Marketplace.Bench.Generation;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;

namespace Marketplace.Tests.Search;

/// <summary>
/// jieba.NET 0.42.2, the reference, and a <see cref="WordSegmenter"/> over the same dictionaries and
/// the same user words added in the same order: production's domain terms (as
/// <see cref="JiebaSegmentation.AddUserWords"/> adds them), then, in a second call, <see cref="TestUserWords"/>.
/// jieba.NET's dictionary is process-wide, so this class is its only user in the test run.
/// </summary>
internal static class JiebaReference
{
    /// <summary>Words added after the domain terms: Latin, digits, symbols, a word already in jieba's dictionary, characters outside jieba's blocks.</summary>
    public static readonly string[] TestUserWords =
    [
        "c++开发", "工业4.0", "5g+", "3.5万", "机器人", "喷涂机器人工作站", "数字孪生体", "mes系统", "云-边-端", "王·小明",
        "ai质检", "a.b", "😀表情", "鿖鿖",
    ];

    private static readonly Lazy<(WordSegmenter Ours, JiebaSegmenter Jieba)> Pair = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static WordSegmenter Segmenter => Pair.Value.Ours;

    /// <summary>What <see cref="JiebaSegmentation.Segment"/> returned when it wrapped jieba.NET: its tokens with a letter or digit.</summary>
    public static List<Segment> Expected(string text) =>
        Pair.Value.Jieba.Tokenize(text, TokenizerMode.Default, hmm: true)
            .Where(t => t.Word.Any(char.IsLetterOrDigit))
            .Select(t => new Segment(t.Word, t.StartIndex, t.EndIndex))
            .ToList();

    /// <summary>Texts of seeded synthetic offerings from the bench's generator, each field a text.</summary>
    public static IEnumerable<string> GeneratedTexts(int offerings)
    {
        var generator = new OfferingGenerator(new Corpus(TaxonomyCatalog.Default), seed: 1);
        for (var n = 0; n < offerings; n++)
        {
            var offering = generator.Create(n, out _);
            foreach (var text in new[] { offering.Title, offering.Summary, offering.Description }
                .Concat(offering.Keywords ?? [])
                .Concat((offering.Cases ?? []).SelectMany(c => new[] { c.Customer, c.Outcome })))
            {
                if (text is not null)
                {
                    yield return text;
                }
            }
        }
    }

    private static (WordSegmenter, JiebaSegmenter) Create()
    {
        var directory = JiebaSegmentation.ResourceDirectory;
        ConfigManager.ConfigFileBaseDir = directory;
        var jieba = new JiebaSegmenter();
        var ours = WordSegmenter.Load(directory);
        foreach (var batch in new[] { Thesaurus.Default.DictionaryTerms, TestUserWords })
        {
            var words = JiebaSegmentation.UsableUserWords(batch);
            ours.AddWords(words);
            foreach (var word in words)
            {
                jieba.AddWord(word);
            }
        }
        return (ours, jieba);
    }
}
