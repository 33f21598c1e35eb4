namespace Marketplace.Core.Matching;

/// <summary>A demand's clauses: the runs of text between ，。；！？ (either width) and line breaks.</summary>
internal static class Clauses
{
    private const string Ends = "，,。；;！!？?\n";

    public static bool IsEnd(char c) => Ends.Contains(c);

    /// <summary>Where the clause holding the character at <paramref name="at"/> starts.</summary>
    public static int StartOf(string text, int at)
    {
        var i = Math.Min(at, text.Length) - 1;
        while (i >= 0 && !IsEnd(text[i]))
        {
            i--;
        }
        return i + 1;
    }

    /// <summary>Where the clause holding the character at <paramref name="at"/> ends (its end mark, or the text's end).</summary>
    public static int EndOf(string text, int at)
    {
        var i = Math.Max(at, 0);
        while (i < text.Length && !IsEnd(text[i]))
        {
            i++;
        }
        return i;
    }

    /// <summary>The part of the clause before the character at <paramref name="at"/>.</summary>
    public static ReadOnlySpan<char> Before(string text, int at)
    {
        var start = StartOf(text, at);
        return text.AsSpan(start, at - start);
    }
}
