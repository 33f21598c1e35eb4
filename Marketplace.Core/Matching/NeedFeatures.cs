namespace Marketplace.Core.Matching;

/// <summary>A feature of a text and where it occurs: a Han character bigram or a Latin/digit word (MES, AGV, 5G).</summary>
/// <param name="Key">Bigrams: the two characters as one number; words: <see cref="NeedFeatures.WordKey"/> of their id.</param>
internal readonly record struct NeedFeature(long Key, int Start, int Length);

/// <summary>
/// The features need understanding works on: overlapping character bigrams and trigrams inside runs of Han characters
/// (so that 自动搬运 and 搬运小车 share 搬运, whatever the word segmentation, and a longer shared run — a trigram — counts
/// more than two characters that meet by chance across a word boundary) and Latin/digit words of two or more characters,
/// case- and width-folded. Single characters are never features: alone they are particles and light verbs
/// (一、要、上、好), not functions, and bigrams of two such characters (一个、没有) are dropped too.
/// </summary>
internal static class NeedFeatures
{
    private const long WordBase = 1L << 50;

    public static long WordKey(int wordId) => WordBase + wordId;

    public static bool IsWord(long key) => key >= WordBase;

    /// <summary>Calls <paramref name="add"/> for every feature of <paramref name="text"/>, in text order (repeats included).</summary>
    /// <param name="wordId">Maps a folded Latin/digit word to its id, or -1 to skip it.</param>
    public static void Extract(string text, Func<string, int> wordId, List<NeedFeature> features)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = Fold(text[i]);
            if (IsHan(c))
            {
                while (i + 1 < text.Length && IsHan(Fold(text[i + 1])))
                {
                    var next = Fold(text[i + 1]);
                    var generic = Generic.Contains(c) && Generic.Contains(next);
                    if (!generic)
                    {
                        features.Add(new NeedFeature(((long)c << 16) | next, i, 2));
                    }
                    if (i + 2 < text.Length && IsHan(Fold(text[i + 2])))
                    {
                        var third = Fold(text[i + 2]);
                        if (!generic && !(Generic.Contains(next) && Generic.Contains(third)))
                        {
                            features.Add(new NeedFeature(((long)c << 32) | ((long)next << 16) | third, i, 3));
                        }
                    }
                    c = Fold(text[++i]);
                }
                i++;
            }
            else if (char.IsAsciiLetterOrDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiLetterOrDigit(Fold(text[i])))
                {
                    i++;
                }
                if (i - start >= 2)
                {
                    var id = wordId(FoldedWord(text, start, i));
                    if (id >= 0)
                    {
                        features.Add(new NeedFeature(WordKey(id), start, i - start));
                    }
                }
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>
    /// Particles, pronouns, numerals, negations and light verbs: a bigram of two of them (一个、没有、了几、不能、多少、这些)
    /// says nothing about a function and is no feature.
    /// </summary>
    private static readonly HashSet<char> Generic =
    [
        .. "的了着过吗呢吧啊呀么们个一二两三四五六七八九十几百千万多少不没无非是在有这那哪谁啥怎样就都也还又很太更最把被给让和与及或我你他她它些每各某再才只已刚要会能可以得地之其此来去上下到说做",
    ];

    public static bool IsHan(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF';

    /// <summary>Full-width ASCII to half-width, ASCII upper case to lower case.</summary>
    public static char Fold(char c)
    {
        if (c is >= '\uFF01' and <= '\uFF5E')
        {
            c = (char)(c - 0xFEE0);
        }
        return c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
    }

    private static string FoldedWord(string text, int start, int end) => string.Create(end - start, (text, start), static (span, state) =>
    {
        for (var k = 0; k < span.Length; k++)
        {
            span[k] = Fold(state.text[state.start + k]);
        }
    });
}
