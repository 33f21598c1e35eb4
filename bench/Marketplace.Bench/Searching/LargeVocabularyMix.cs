using System.Globalization;
using Marketplace.Core.Searching;

namespace Marketplace.Bench.Searching;

/// <summary>
/// The large-vocabulary mix (issue 10 item 4): the real-language mix (<see cref="RealLanguageMix"/>) with
/// <see cref="WordsPerQuery"/> more words in every text query, drawn in turn from a pool of distinct dictionary words
/// (jieba's <c>dict.txt</c>, two to four Chinese characters, common enough to be everyday words; seeded shuffle), so
/// that one pass over the mix uses every word of the pool once. The postings cache meets ever new clauses and must
/// stay within its budget (evicting) without the searches slowing down. Its warm counterpart is the same number of
/// queries with the extra words drawn from a small pool (<c>--words 2000 --queries 12500</c>): the same query shapes, a
/// working set that fits in the cache.
/// </summary>
public static class LargeVocabularyMix
{
    public const int WordsPerQuery = 4;

    /// <param name="count">How many queries; by default one pass over the pool.</param>
    public static IReadOnlyList<BenchQuery> Create(int distinctWords, int seed, string? evalRoot, int? count = null)
    {
        var pool = Pool(distinctWords, seed);
        var baseMix = RealLanguageMix.Create(count ?? Math.Max(1, pool.Count / WordsPerQuery), seed, evalRoot);
        var next = 0;
        var queries = new List<BenchQuery>(baseMix.Count);
        foreach (var query in baseMix)
        {
            if (string.IsNullOrEmpty(query.Request.Text))
            {
                queries.Add(query);
                continue;
            }
            var words = Enumerable.Range(0, WordsPerQuery).Select(_ => pool[next++ % pool.Count]);
            var request = query.Request with { Text = query.Request.Text + " " + string.Join('、', words) };
            queries.Add(new BenchQuery(query.Kind, request, QueryMix.PathOf(request)));
        }
        return queries;
    }

    /// <summary>Distinct words of jieba's dictionary (shipped beside the tool as <c>Resources/dict.txt</c>).</summary>
    public static IReadOnlyList<string> Pool(int count, int seed)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Resources", "dict.txt");
        var words = File.ReadLines(path)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length >= 2
                && parts[0].Length is >= 2 and <= 4
                && parts[0].All(c => c is >= '\u4e00' and <= '\u9fff')
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var frequency) && frequency >= 20)
            .Select(parts => parts[0])
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        new Random(seed).Shuffle(words);
        if (words.Length < count)
        {
            throw new InvalidOperationException($"{path} has only {words.Length:N0} words of the kind wanted; {count:N0} were asked for.");
        }
        return words[..count];
    }
}
