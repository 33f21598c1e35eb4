using System.Globalization;
using System.Numerics;
using System.Text;

namespace Marketplace.Search.Analysis;

/// <summary>
/// jieba's prefix dictionary as a trie: every word and every prefix of a word is a node, with the
/// word's frequency (0 for a prefix that is not a word), and the total frequency that turns
/// frequencies into log-probabilities. Children of the root are found in a table indexed by
/// character, deeper children in one open-addressing hash table keyed by (parent, character), so a
/// lookup allocates nothing and costs one probe per character.
/// Mutable only until it is shared: <see cref="WordSegmenter"/> changes a <see cref="Clone"/> and
/// then publishes it.
/// </summary>
internal sealed class PrefixDictionary
{
    private const int NodeBits = 22;
    private const ulong NodeMask = (1UL << NodeBits) - 1;
    private const double NotAWord = -1; // the log-frequency of a word is >= 0

    private int[] _rootChildren;
    // An occupied slot packs parent (22 bits), character (16 bits) and child (22 bits); 0 is empty.
    private ulong[] _slots;
    private int _slotsUsed;
    private int[] _frequencies;
    private double[] _logFrequencies;
    private int _nodeCount;

    private PrefixDictionary(int[] rootChildren, ulong[] slots, int slotsUsed, int[] frequencies, double[] logFrequencies, int nodeCount, double total)
    {
        _rootChildren = rootChildren;
        _slots = slots;
        _slotsUsed = slotsUsed;
        _frequencies = frequencies;
        _logFrequencies = logFrequencies;
        _nodeCount = nodeCount;
        Total = total;
        LogTotal = Math.Log(total);
    }

    /// <summary>The sum of all word frequencies, as jieba keeps it (a double).</summary>
    public double Total { get; private set; }

    /// <summary><c>Math.Log(Total)</c>, which jieba subtracts from every word's log-frequency.</summary>
    public double LogTotal { get; private set; }

    /// <summary>Reads jieba's <c>dict.txt</c>: one "word frequency [tag]" a line, prefixes added as frequency 0.</summary>
    public static PrefixDictionary Load(string path)
    {
        // Sized for jieba's dict.txt (about 500,000 words and prefixes) with room for user words.
        var dictionary = new PrefixDictionary(new int[char.MaxValue + 1], new ulong[1 << 20], 0, new int[1 << 19], new double[1 << 19], 1, 0);
        double total = 0;
        using var reader = new StreamReader(path, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var fields = line.AsSpan();
            var space = fields.IndexOf(' ');
            if (space < 0)
            {
                continue;
            }
            var word = fields[..space];
            var rest = fields[(space + 1)..];
            var end = rest.IndexOf(' ');
            if (word.IsEmpty || !int.TryParse(end < 0 ? rest : rest[..end], NumberStyles.Integer, CultureInfo.InvariantCulture, out var frequency))
            {
                throw new InvalidDataException($"Bad line in {path}: '{line}'.");
            }
            // Like jieba: a repeated word keeps its last frequency, but the total counts every line.
            dictionary.SetFrequency(dictionary.AddPath(word), frequency);
            total += frequency;
        }
        dictionary.Total = total;
        dictionary.LogTotal = Math.Log(total);
        return dictionary;
    }

    public PrefixDictionary Clone() => new(
        (int[])_rootChildren.Clone(), (ulong[])_slots.Clone(), _slotsUsed,
        (int[])_frequencies.Clone(), (double[])_logFrequencies.Clone(), _nodeCount, Total);

    /// <summary>jieba's <c>ContainsWord</c>: present with a positive frequency.</summary>
    public bool ContainsWord(ReadOnlySpan<char> word) => Frequency(word) > 0;

    /// <summary>jieba's <c>GetFreqOrDefault</c>: the frequency of a word, 1 for anything else.</summary>
    public int FrequencyOrOne(ReadOnlySpan<char> word) => Frequency(word) is > 0 and var frequency ? frequency : 1;

    /// <summary>jieba's <c>WordDictionary.AddWord</c>: sets a word's frequency, adds its prefixes, adjusts the total.</summary>
    public void SetWord(string word, int frequency)
    {
        var node = AddPath(word);
        if (_frequencies[node] > 0)
        {
            Total -= _frequencies[node];
        }
        SetFrequency(node, frequency);
        Total += frequency;
        LogTotal = Math.Log(Total);
    }

    /// <summary>
    /// jieba's <c>Calc</c> over its <c>GetDag</c>: for every start <c>i</c> of <paramref name="sentence"/>, the end
    /// (exclusive) of the word that begins the most probable segmentation of the rest, in <paramref name="ends"/>.
    /// A start at which no dictionary word begins counts as a one-character word of frequency 1. Scores are
    /// computed in jieba's order of operations and ties go to the shortest word, as in jieba.
    /// </summary>
    public void Route(ReadOnlySpan<char> sentence, Span<int> ends, Span<double> scores)
    {
        var n = sentence.Length;
        var logTotal = LogTotal;
        var logFrequencies = _logFrequencies;
        scores[n] = 0;
        for (var i = n - 1; i >= 0; i--)
        {
            var best = double.MinValue;
            var bestEnd = -1;
            var node = _rootChildren[sentence[i]];
            var j = i;
            while (node != 0)
            {
                var logFrequency = logFrequencies[node];
                if (logFrequency != NotAWord)
                {
                    var score = logFrequency - logTotal + scores[j + 1];
                    if (best < score)
                    {
                        best = score;
                        bestEnd = j + 1;
                    }
                }
                if (++j == n)
                {
                    break;
                }
                node = Child(node, sentence[j]);
            }
            if (bestEnd < 0)
            {
                best = 0 - logTotal + scores[i + 1];
                bestEnd = i + 1;
            }
            scores[i] = best;
            ends[i] = bestEnd;
        }
    }

    // jieba's Trie[word]; 0 for a prefix or an absent word.
    private int Frequency(ReadOnlySpan<char> word)
    {
        var node = Find(word);
        return node > 0 ? _frequencies[node] : 0;
    }

    private int Find(ReadOnlySpan<char> word)
    {
        if (word.IsEmpty)
        {
            return 0;
        }
        var node = _rootChildren[word[0]];
        for (var i = 1; i < word.Length && node != 0; i++)
        {
            node = Child(node, word[i]);
        }
        return node;
    }

    private int Child(int parent, char c)
    {
        var key = ((ulong)parent << 16) | c;
        var mask = _slots.Length - 1;
        for (var slot = Hash(key, mask); ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                return 0;
            }
            if (entry >> NodeBits == key)
            {
                return (int)(entry & NodeMask);
            }
        }
    }

    // Fibonacci hashing: the top bits of the product index a table of mask + 1 (a power of two) slots.
    private static int Hash(ulong key, int mask) =>
        (int)((key * 0x9E3779B97F4A7C15UL) >> BitOperations.LeadingZeroCount((ulong)mask));

    private int AddPath(ReadOnlySpan<char> word)
    {
        var node = _rootChildren[word[0]];
        if (node == 0)
        {
            node = _rootChildren[word[0]] = NewNode();
        }
        for (var i = 1; i < word.Length; i++)
        {
            var child = Child(node, word[i]);
            if (child == 0)
            {
                child = NewNode();
                InsertChild(node, word[i], child);
            }
            node = child;
        }
        return node;
    }

    private int NewNode()
    {
        if (_nodeCount > (int)NodeMask)
        {
            throw new InvalidOperationException("The segmentation dictionary is full.");
        }
        if (_nodeCount == _frequencies.Length)
        {
            var size = Math.Min(_nodeCount * 2, (int)NodeMask + 1);
            Array.Resize(ref _frequencies, size);
            Array.Resize(ref _logFrequencies, size);
        }
        _logFrequencies[_nodeCount] = NotAWord;
        return _nodeCount++;
    }

    private void InsertChild(int parent, char c, int child)
    {
        if (++_slotsUsed * 2 > _slots.Length)
        {
            Rehash(_slots.Length * 2);
        }
        Place(_slots, ((((ulong)parent << 16) | c) << NodeBits) | (uint)child);
    }

    private void Rehash(int size)
    {
        var slots = new ulong[size];
        foreach (var entry in _slots)
        {
            if (entry != 0)
            {
                Place(slots, entry);
            }
        }
        _slots = slots;
    }

    private static void Place(ulong[] slots, ulong entry)
    {
        var mask = slots.Length - 1;
        var slot = Hash(entry >> NodeBits, mask);
        while (slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }
        slots[slot] = entry;
    }

    private void SetFrequency(int node, int frequency)
    {
        _frequencies[node] = frequency;
        _logFrequencies[node] = frequency > 0 ? Math.Log(frequency) : NotAWord;
    }
}
