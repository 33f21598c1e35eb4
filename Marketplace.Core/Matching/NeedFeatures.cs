using Marketplace.Core.Searching;

namespace Marketplace.Core.Matching;

/// <summary>A feature of a text and where it occurs: a Han character bigram or trigram, a Latin/digit word (MES, AGV, 5G) or a whole taxonomy phrase.</summary>
/// <param name="Key">N-grams: the characters as one number; words and phrases: <see cref="NeedFeatures.WordKey"/> of their id.</param>
internal readonly record struct NeedFeature(long Key, int Start, int Length);

/// <summary>
/// The features need understanding works on: character bigrams and trigrams inside each word of a text (so that 自动搬运
/// and 搬运小车 share 搬运, whatever the finer segmentation, and a longer shared run — a trigram — counts more) and Latin/digit
/// words of two or more characters, case- and width-folded. With a word segmentation, an n-gram never straddles two words:
/// 袋装|水泥 has no 装水, 零件|一多 no 件一. Without one, each run of Han characters counts as one word.
/// Single characters are never features: alone they are particles and light verbs (一、要、上、好), not functions; nor are
/// bigrams of two such characters (一个、没有), nor counting words — a numeral or quantifier and a measure word (一道、每件、
/// 三台、一步), which say how many, not what, nor n-grams ending on a numeral (看一|遍). Where a text holds a whole phrase
/// of the taxonomy, n-grams inside it count even across words, and <see cref="NeedModel"/> adds the phrase itself.
/// </summary>
internal static class NeedFeatures
{
    private const long WordBase = 1L << 50;

    public static long WordKey(int wordId) => WordBase + wordId;

    /// <summary>Adds every feature of <paramref name="text"/> to <paramref name="features"/>, in text order (repeats included).</summary>
    /// <param name="wordId">Maps a folded Latin/digit word to its id, or -1 to skip it.</param>
    /// <param name="words">The text's words; null reads each run of Han characters as one word.</param>
    /// <param name="phrases">Where the text holds a whole known phrase: n-grams inside one count even across words (倒|查出来 still has 倒查 when 倒查 is a phrase).</param>
    public static void Extract(string text, Func<string, int> wordId, List<NeedFeature> features, IReadOnlyList<WordSpan>? words = null, IReadOnlyList<WordSpan>? phrases = null)
    {
        var first = features.Count;
        // For each position, the furthest end of a span (a word, a phrase) that holds it: an n-gram starting there counts if it ends no further.
        var reach = new int[text.Length];
        void Cover(int start, int end)
        {
            for (var k = start; k < end; k++)
            {
                reach[k] = Math.Max(reach[k], end);
            }
        }
        if (words is null)
        {
            for (var i = 0; i < text.Length;)
            {
                var start = i;
                while (i < text.Length && IsHan(Fold(text[i])))
                {
                    i++;
                }
                Cover(start, i);
                i = Math.Max(i, start + 1);
            }
        }
        else
        {
            foreach (var word in words.Where(w => !IsCountingWord(text, w)))
            {
                Cover(word.Start, word.Start + word.Length);
            }
        }
        foreach (var phrase in phrases ?? [])
        {
            Cover(phrase.Start, phrase.Start + phrase.Length);
        }
        AddHanGrams(text, reach, features);
        AddLatinWords(text, wordId, features);
        features.Sort(first, features.Count - first, ByPosition);
    }

    public static readonly Comparer<NeedFeature> ByPosition = Comparer<NeedFeature>.Create((a, b) =>
        a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Length.CompareTo(b.Length));

    /// <summary>Bigrams and trigrams of Han characters within <paramref name="reach"/>, none of them made of two generic characters.</summary>
    private static void AddHanGrams(string text, int[] reach, List<NeedFeature> features)
    {
        for (var i = 0; i + 1 < reach.Length; i++)
        {
            var c = Fold(text[i]);
            var next = Fold(text[i + 1]);
            if (reach[i] < i + 2 || !IsHan(c) || !IsHan(next))
            {
                continue;
            }
            var generic = Generic.Contains(c) && Generic.Contains(next);
            // A gram ending on a numeral cuts a count from its measure word (看一|遍, 零件|一多): no feature.
            if (!generic && !Quantifiers.Contains(next))
            {
                features.Add(new NeedFeature(((long)c << 16) | next, i, 2));
            }
            if (reach[i] >= i + 3 && Fold(text[i + 2]) is var third && IsHan(third) && !generic && !(Generic.Contains(next) && Generic.Contains(third))
                && !Quantifiers.Contains(third))
            {
                features.Add(new NeedFeature(((long)c << 32) | ((long)next << 16) | third, i, 3));
            }
        }
    }

    private static void AddLatinWords(string text, Func<string, int> wordId, List<NeedFeature> features)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiLetterOrDigit(Fold(text[i])))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && char.IsAsciiLetterOrDigit(Fold(text[i])))
            {
                i++;
            }
            // A number alone (50万, 50天, 降到50) is an amount, a time or a target, never the function asked for: no feature.
            if (i - start >= 2 && !IsNumber(text, start, i))
            {
                var id = wordId(FoldedWord(text, start, i));
                if (id >= 0)
                {
                    features.Add(new NeedFeature(WordKey(id), start, i - start));
                }
            }
        }
    }

    private static bool IsNumber(string text, int start, int end)
    {
        for (var k = start; k < end; k++)
        {
            if (!char.IsAsciiDigit(Fold(text[k])))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A two-character word that starts with a numeral or quantifier (一道、每件、三台、几次): a count, not a function.</summary>
    private static bool IsCountingWord(string text, WordSpan word) => word.Length == 2 && Quantifiers.Contains(Fold(text[word.Start]));

    private static readonly HashSet<char> Quantifiers = [.. "一二三四五六七八九十百千万两几每各某半"];

    /// <summary>
    /// Particles, pronouns, numerals, negations and light verbs: a bigram of two of them (一个、没有、了几、不能、多少、这些)
    /// says nothing about a function and is no feature.
    /// </summary>
    private static readonly HashSet<char> Generic =
    [
        .. "的了着过吗呢吧啊呀么们个一二两三四五六七八九十几百千万多少不没无非是在有这那哪谁啥怎样就都也还又很太更最把被给让和与及或我你他她它咱自己些每各某再才只已刚要会能可以得地之其此来去上下到说做",
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
