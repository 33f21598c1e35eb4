using System.Globalization;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Analysis;

/// <summary>
/// <see cref="IWordKnowledge"/> from jieba.NET's resources: <c>idf.txt</c>, the inverse document frequency of about
/// 270,000 words in a general corpus.
/// </summary>
public sealed class JiebaWordKnowledge : IWordKnowledge
{
    /// <summary>A word with a corpus IDF at or below this says nearly nothing (我们 3.4, 知道 4.0, 问题 4.0)…</summary>
    private const double CommonIdf = 3;

    /// <summary>…one at or above this is as informative as an unknown word (车间 8.1, 电费 9.7).</summary>
    private const double InformativeIdf = 8;

    /// <summary>The least a word counts: common words still say a little.</summary>
    private const double MinInformativeness = 0.1;

    private readonly Dictionary<string, float> _informativeness;

    public JiebaWordKnowledge()
    {
        _informativeness = LoadInformativeness(Path.Combine(JiebaSegmentation.ResourceDirectory, "idf.txt"));
    }

    public static JiebaWordKnowledge Default => Shared.Value;

    private static readonly Lazy<JiebaWordKnowledge> Shared = new(() => new JiebaWordKnowledge());

    public double Informativeness(ReadOnlySpan<char> word) =>
        _informativeness.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out var value) ? value : 1;

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
}
