using System.Globalization;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Analysis;

/// <summary>
/// <see cref="IWordKnowledge"/> from jieba.NET's resources: <c>idf.txt</c> (the inverse document frequency of about 270,000
/// words in a general corpus) and <c>cn_synonym.txt</c> (同义词词林扩展版: lines of a category code, then <c>=</c> for a
/// group of synonyms, <c>#</c> for related words, <c>@</c> for a word alone, then the words).
/// </summary>
public sealed class JiebaWordKnowledge : IWordKnowledge
{
    /// <summary>A word with a corpus IDF at or below this says nearly nothing (我们 3.4, 知道 4.0, 问题 4.0)…</summary>
    private const double CommonIdf = 3;

    /// <summary>…one at or above this is as informative as an unknown word (车间 8.1, 电费 9.7).</summary>
    private const double InformativeIdf = 8;

    /// <summary>The least a word counts: common words still say a little.</summary>
    private const double MinInformativeness = 0.1;

    /// <summary>
    /// Larger synonym groups of 词林 gather words that are only loosely alike (完成 with 就、好、交卷), so only groups of at most
    /// this many words count.
    /// </summary>
    private const int MaxGroupSize = 12;

    private readonly Dictionary<string, float> _informativeness;
    private readonly Dictionary<string, string[]> _synonyms;

    public JiebaWordKnowledge() : this(JiebaSegmentation.ResourceDirectory)
    {
    }

    public JiebaWordKnowledge(string resourceDirectory)
    {
        _informativeness = LoadInformativeness(Path.Combine(resourceDirectory, "idf.txt"));
        _synonyms = LoadSynonyms(Path.Combine(resourceDirectory, "cn_synonym.txt"));
    }

    public static JiebaWordKnowledge Default => Shared.Value;

    private static readonly Lazy<JiebaWordKnowledge> Shared = new(() => new JiebaWordKnowledge());

    public double Informativeness(ReadOnlySpan<char> word) =>
        _informativeness.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out var value) ? value : 1;

    public IReadOnlyList<string> Synonyms(string word) => _synonyms.GetValueOrDefault(word) ?? [];

    /// <summary>Only words below <see cref="InformativeIdf"/> are kept (about 9,000): every other word counts 1.</summary>
    private static Dictionary<string, float> LoadInformativeness(string path)
    {
        var result = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var space = line.IndexOf(' ');
            if (space <= 0 || !double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var idf) || idf >= InformativeIdf)
            {
                continue;
            }
            result[line[..space]] = (float)Math.Clamp((idf - CommonIdf) / (InformativeIdf - CommonIdf), MinInformativeness, 1);
        }
        return result;
    }

    private static Dictionary<string, string[]> LoadSynonyms(string path)
    {
        var groups = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            // "Dk15B01= 处方 配方 方子 方 药方 方剂": a seven-character code, then the group's mark.
            if (line.Length < 9 || line[7] != '=')
            {
                continue;
            }
            var words = line[8..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > MaxGroupSize)
            {
                continue;
            }
            foreach (var word in words.Where(w => w.Length >= 2))
            {
                if (!groups.TryGetValue(word, out var set))
                {
                    groups[word] = set = new HashSet<string>(StringComparer.Ordinal);
                }
                set.UnionWith(words.Where(w => w.Length >= 2 && w != word));
            }
        }
        return groups.Where(g => g.Value.Count > 0).ToDictionary(g => g.Key, g => g.Value.Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }
}
