using System.Buffers;
using System.Text;
using Marketplace.Search.Analysis;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Short snippets around matched terms, terms wrapped in &lt;em&gt;…&lt;/em&gt; and the rest
/// HTML-escaped. Works on folded text, whose offsets equal the original's.
/// </summary>
internal static class SnippetHighlighter
{
    public const int MaxSnippetLength = 80;

    /// <summary>
    /// Marks in <paramref name="found"/> the terms (folded) that occur in any of the texts, folding each text into a
    /// pooled buffer (search hits are many and their texts long: no copies of them per search).
    /// </summary>
    public static void FindTerms(IEnumerable<string> texts, IReadOnlyList<string> foldedTerms, bool[] found)
    {
        var buffer = ArrayPool<char>.Shared.Rent(256);
        try
        {
            foreach (var text in texts)
            {
                if (string.IsNullOrEmpty(text))
                {
                    continue;
                }
                if (buffer.Length < text.Length)
                {
                    ArrayPool<char>.Shared.Return(buffer);
                    buffer = ArrayPool<char>.Shared.Rent(text.Length);
                }
                var folded = buffer.AsSpan(0, text.Length);
                for (var i = 0; i < text.Length; i++)
                {
                    folded[i] = TextFolding.FoldChar(text[i]);
                }
                for (var t = 0; t < foldedTerms.Count; t++)
                {
                    if (!found[t] && foldedTerms[t].Length > 0 && folded.IndexOf(foldedTerms[t].AsSpan(), StringComparison.Ordinal) >= 0)
                    {
                        found[t] = true;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    public static string? Snippet(string text, IReadOnlyList<string> foldedTerms)
    {
        if (string.IsNullOrEmpty(text) || foldedTerms.Count == 0)
        {
            return null;
        }
        var matches = FindMatches(text, foldedTerms);
        if (matches.Count == 0)
        {
            return null;
        }

        // The window of at most MaxSnippetLength characters holding the most matches, starting a little before one.
        var bestStart = 0;
        var bestCount = -1;
        foreach (var (start, _) in matches)
        {
            var windowStart = Math.Max(0, Math.Min(start - 10, text.Length - MaxSnippetLength));
            var count = 0;
            foreach (var m in matches)
            {
                if (m.Start >= windowStart && m.Start + m.Length <= windowStart + MaxSnippetLength)
                {
                    count++;
                }
            }
            if (count > bestCount)
            {
                (bestStart, bestCount) = (windowStart, count);
            }
        }
        var end = Math.Min(text.Length, bestStart + MaxSnippetLength);
        // Never half an emoji (a surrogate pair) at either edge of the window.
        if (bestStart > 0 && char.IsLowSurrogate(text[bestStart]))
        {
            bestStart--;
        }
        if (end < text.Length && char.IsLowSurrogate(text[end]))
        {
            end--;
        }

        var snippet = new StringBuilder(MaxSnippetLength + 32);
        if (bestStart > 0)
        {
            snippet.Append('…');
        }
        var position = bestStart;
        foreach (var (start, length) in matches)
        {
            if (start < bestStart || start + length > end)
            {
                continue;
            }
            AppendEscaped(snippet, text.AsSpan(position, start - position));
            snippet.Append("<em>");
            AppendEscaped(snippet, text.AsSpan(start, length));
            snippet.Append("</em>");
            position = start + length;
        }
        AppendEscaped(snippet, text.AsSpan(position, end - position));
        if (end < text.Length)
        {
            snippet.Append('…');
        }
        return snippet.ToString();
    }

    /// <summary>Non-overlapping occurrences of the terms in the folded text, longest terms first, in text order.</summary>
    private static List<(int Start, int Length)> FindMatches(string text, IReadOnlyList<string> terms)
    {
        var matches = new List<(int Start, int Length)>();
        var buffer = ArrayPool<char>.Shared.Rent(text.Length);
        var takenBuffer = ArrayPool<bool>.Shared.Rent(text.Length);
        try
        {
            var folded = buffer.AsSpan(0, text.Length);
            var taken = takenBuffer.AsSpan(0, text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                folded[i] = TextFolding.FoldChar(text[i]);
            }
            taken.Clear();
            var longestFirst = terms.Where(t => t.Length > 0).OrderByDescending(t => t.Length);
            foreach (var term in longestFirst)
            {
                for (var from = 0; from <= folded.Length - term.Length;)
                {
                    var found = folded[from..].IndexOf(term.AsSpan(), StringComparison.Ordinal);
                    if (found < 0)
                    {
                        break;
                    }
                    var at = from + found;
                    if (!taken.Slice(at, term.Length).Contains(true))
                    {
                        taken.Slice(at, term.Length).Fill(true);
                        matches.Add((at, term.Length));
                    }
                    from = at + term.Length;
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
            ArrayPool<bool>.Shared.Return(takenBuffer);
        }
        matches.Sort();
        return matches;
    }

    private static void AppendEscaped(StringBuilder builder, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '<':
                    builder.Append("&lt;");
                    break;
                case '>':
                    builder.Append("&gt;");
                    break;
                case '&':
                    builder.Append("&amp;");
                    break;
                case '"':
                    builder.Append("&quot;");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
    }
}
