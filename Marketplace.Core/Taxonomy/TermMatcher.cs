namespace Marketplace.Core.Taxonomy;

/// <summary>A term found in a text by <see cref="TermMatcher"/>: the term's id and where it occurs.</summary>
internal readonly record struct TermMatch(int TermId, int Start, int Length);

/// <summary>
/// A character trie over a fixed set of terms, matched by forward maximum matching: at each position the
/// longest term starting there wins and the scan resumes after it, so overlapping terms are not counted twice.
/// Latin letters are case-insensitive and full-width ASCII is folded to half-width.
/// Built once; <see cref="FindAll"/> is allocation-free apart from the result list and safe for concurrent reads.
/// </summary>
internal sealed class TermMatcher
{
    private sealed class Node
    {
        public Dictionary<char, Node>? Children;
        public int TermId = -1;
    }

    private readonly Node _root = new();
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _terms = [];

    /// <summary>The normalized form of each term, by id.</summary>
    public IReadOnlyList<string> Terms => _terms;

    /// <summary>Adds a term (if new) and returns its id; terms equal after normalization share one id.</summary>
    public int Add(string term)
    {
        var key = Normalize(term.Trim());
        if (key.Length == 0)
        {
            throw new ArgumentException("A term must not be empty.", nameof(term));
        }
        if (_ids.TryGetValue(key, out var id))
        {
            return id;
        }
        id = _terms.Count;
        _terms.Add(key);
        _ids[key] = id;
        var node = _root;
        foreach (var c in key)
        {
            node.Children ??= [];
            if (!node.Children.TryGetValue(c, out var next))
            {
                node.Children[c] = next = new Node();
            }
            node = next;
        }
        node.TermId = id;
        return id;
    }

    /// <summary>The id of <paramref name="term"/>, or -1 when it was never added.</summary>
    public int IdOf(string term) => _ids.GetValueOrDefault(Normalize(term.Trim()), -1);

    public void FindAll(string text, List<TermMatch> matches)
    {
        var i = 0;
        while (i < text.Length)
        {
            var node = _root;
            var bestId = -1;
            var bestLength = 0;
            for (var j = i; j < text.Length; j++)
            {
                if (node.Children is null || !node.Children.TryGetValue(Fold(text[j]), out node))
                {
                    break;
                }
                if (node.TermId >= 0)
                {
                    bestId = node.TermId;
                    bestLength = j - i + 1;
                }
            }
            if (bestId >= 0 && !SplitsLatinWord(text, i, bestLength))
            {
                matches.Add(new TermMatch(bestId, i, bestLength));
                i += bestLength;
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>True when a Latin term would match inside a longer Latin word (PCB inside PCBA, SIS inside ANALYSIS).</summary>
    private static bool SplitsLatinWord(string text, int start, int length)
    {
        var first = Fold(text[start]);
        var last = Fold(text[start + length - 1]);
        if (IsLatinOrDigit(first) && start > 0 && IsLatinOrDigit(Fold(text[start - 1])))
        {
            return true;
        }
        var end = start + length;
        return IsLatinOrDigit(last) && end < text.Length && char.IsAsciiLetter(Fold(text[end]));
    }

    private static bool IsLatinOrDigit(char c) => char.IsAsciiLetterOrDigit(c);

    public static string Normalize(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = Fold(source[i]);
        }
    });

    /// <summary>Full-width ASCII to half-width, then ASCII upper case to lower case.</summary>
    private static char Fold(char c)
    {
        if (c is >= '\uFF01' and <= '\uFF5E')
        {
            c = (char)(c - 0xFEE0);
        }
        return c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
    }
}
