using System.Buffers;

namespace Marketplace.Search.Analysis;

/// <summary>
/// Chinese word segmentation that gives exactly the words of jieba.NET 0.42.2's
/// <c>JiebaSegmenter.Tokenize(text, TokenizerMode.Default, hmm: true)</c> on the same dictionary (those
/// with a letter or digit; see <see cref="JiebaSegmentation"/>), without its allocations: the text is
/// cut into jieba's blocks, each block into the most probable route of dictionary words, and runs of
/// single characters left by the route are cut by <see cref="HmmSegmenter"/>.
/// Thread-safe: <see cref="AddWords"/> changes a copy of the dictionary and then publishes it, so a
/// segmentation sees either all of a call's words or none of them.
/// </summary>
public sealed class WordSegmenter
{
    // Besides Han characters (U+4E00–U+9FD5) and ASCII letters and digits, the characters of jieba's
    // re_han for the default mode, [\u4E00-\u9FD5a-zA-Z0-9+#&\._%·\-]+, whose matches are the blocks.
    private static readonly SearchValues<char> BlockSymbols = SearchValues.Create("+#&._%·-");

    private readonly HmmSegmenter _hmm;
    private readonly Lock _writeLock = new();
    private volatile PrefixDictionary _dictionary;

    private WordSegmenter(PrefixDictionary dictionary, HmmSegmenter hmm)
    {
        _dictionary = dictionary;
        _hmm = hmm;
    }

    /// <summary>Loads jieba's <c>dict.txt</c>, <c>prob_trans.json</c> and <c>prob_emit.json</c> from <paramref name="directory"/>.</summary>
    public static WordSegmenter Load(string directory) =>
        new(PrefixDictionary.Load(Path.Combine(directory, "dict.txt")), HmmSegmenter.Load(directory));

    /// <summary>The words of <paramref name="text"/> that have a letter or digit, in order, with their spans.</summary>
    public List<Segment> Segment(string text)
    {
        var segments = new List<Segment>();
        var output = new SegmentWriter(text, segments);
        var dictionary = _dictionary;
        var scratch = SegmentationScratch.Current;
        var i = 0;
        while (i < text.Length)
        {
            var end = BlockEnd(text, i);
            if (end > i)
            {
                CutBlock(text, i, end, dictionary, scratch, output);
                i = end;
            }
            else
            {
                // Outside blocks every character is a word (jieba keeps "\r\n" together, but it is dropped anyway).
                output.Add(i, i + 1);
                i++;
            }
        }
        return segments;
    }

    /// <summary>
    /// The dictionary words inside a Han word of three or more characters, as jieba's search mode (<c>cut_for_search</c>)
    /// adds them: its two-character words, then (for four or more) its three-character words, in order. 服装厂 → 服装;
    /// 化工厂 → 化工, 工厂.
    /// </summary>
    public List<Segment> SubWords(Segment word)
    {
        var found = new List<Segment>();
        var text = word.Text;
        if (text.Length < 3 || !text.All(HmmSegmenter.IsHan))
        {
            return found;
        }
        var dictionary = _dictionary;
        for (var length = 2; length <= 3 && length < text.Length; length++)
        {
            for (var i = 0; i + length <= text.Length; i++)
            {
                if (dictionary.ContainsWord(text.AsSpan(i, length)))
                {
                    found.Add(new Segment(text.Substring(i, length), word.Start + i, word.Start + i + length));
                }
            }
        }
        return found;
    }

    /// <summary>
    /// jieba's <c>AddWord(word)</c> for each word in order: the frequency is suggested from the current
    /// dictionary (so that the word wins against its own parts) and the word's prefixes are added.
    /// </summary>
    public void AddWords(IEnumerable<string> words)
    {
        var list = words.ToList();
        if (list.Count == 0)
        {
            return;
        }
        if (list.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Words cannot be empty.", nameof(words));
        }
        lock (_writeLock)
        {
            var dictionary = _dictionary.Clone();
            foreach (var word in list)
            {
                dictionary.SetWord(word, SuggestFrequency(dictionary, word));
            }
            _dictionary = dictionary;
        }
    }

    private static int BlockEnd(string text, int start)
    {
        var end = start;
        while (end < text.Length && IsBlockCharacter(text[end]))
        {
            end++;
        }
        return end;
    }

    private static bool IsBlockCharacter(char c) => HmmSegmenter.IsHan(c) || char.IsAsciiLetterOrDigit(c) || BlockSymbols.Contains(c);

    // jieba's __cut_DAG: dictionary words of the route as they are; runs of single characters joined and
    // cut again, unless the run is itself a dictionary word (then it stays single characters).
    private void CutBlock(string text, int start, int end, PrefixDictionary dictionary, SegmentationScratch scratch, SegmentWriter output)
    {
        var (ends, scores) = scratch.Route(end - start);
        dictionary.Route(text.AsSpan(start, end - start), ends, scores);
        var singles = -1;
        for (var x = start; x < end;)
        {
            var y = start + ends[x - start];
            if (y - x == 1)
            {
                if (singles < 0)
                {
                    singles = x;
                }
            }
            else
            {
                if (singles >= 0)
                {
                    CutSingles(text, singles, x, dictionary, scratch, output);
                    singles = -1;
                }
                output.Add(x, y);
            }
            x = y;
        }
        if (singles >= 0)
        {
            CutSingles(text, singles, end, dictionary, scratch, output);
        }
    }

    private void CutSingles(string text, int start, int end, PrefixDictionary dictionary, SegmentationScratch scratch, SegmentWriter output)
    {
        if (end - start == 1)
        {
            output.Add(start, end);
        }
        else if (!dictionary.ContainsWord(text.AsSpan(start, end - start)))
        {
            _hmm.Cut(text, start, end, scratch, output);
        }
        else
        {
            for (var i = start; i < end; i++)
            {
                output.Add(i, i + 1);
            }
        }
    }

    // jieba's WordDictionary.SuggestFreq(word, Cut(word, hmm: false)), in its order of floating-point operations.
    private static int SuggestFrequency(PrefixDictionary dictionary, string word)
    {
        var product = 1.0;
        foreach (var (start, end) in CutWithoutHmm(dictionary, word))
        {
            product *= (double)dictionary.FrequencyOrOne(word.AsSpan(start, end - start)) / dictionary.Total;
        }
        return Math.Max((int)(product * dictionary.Total) + 1, dictionary.FrequencyOrOne(word));
    }

    // jieba's Cut(text, hmm: false): the route's words, with runs of single ASCII letters and digits
    // joined; outside blocks every character is a word but "\r\n".
    private static List<(int Start, int End)> CutWithoutHmm(PrefixDictionary dictionary, string text)
    {
        var words = new List<(int, int)>();
        var i = 0;
        while (i < text.Length)
        {
            var end = BlockEnd(text, i);
            if (end == i)
            {
                var width = text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                words.Add((i, i + width));
                i += width;
                continue;
            }
            var ends = new int[end - i];
            dictionary.Route(text.AsSpan(i, end - i), ends, new double[end - i + 1]);
            var latin = -1;
            for (var x = i; x < end;)
            {
                var y = i + ends[x - i];
                if (y - x == 1 && char.IsAsciiLetterOrDigit(text[x]))
                {
                    if (latin < 0)
                    {
                        latin = x;
                    }
                }
                else
                {
                    if (latin >= 0)
                    {
                        words.Add((latin, x));
                        latin = -1;
                    }
                    words.Add((x, y));
                }
                x = y;
            }
            if (latin >= 0)
            {
                words.Add((latin, end));
            }
            i = end;
        }
        return words;
    }
}
