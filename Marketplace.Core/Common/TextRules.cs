using System.Globalization;
using System.Text;

namespace Marketplace.Core.Common;

/// <summary>
/// What stored text may hold. People's text, in any script, but not control characters (tab and line breaks aside),
/// Unicode noncharacters (U+FFFE, U+FFFF …), unpaired surrogates or bidirectional overrides: they cannot be written to
/// XML (every XLSX export failed on one such row), and they hide or reorder what readers see.
/// </summary>
public static class TextRules
{
    /// <summary>The first character <paramref name="text"/> may not hold, as U+XXXX, or null when it holds none.</summary>
    public static string? FirstDisallowed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80 && c >= 0x20 && c != 0x7f)
            {
                continue; // ASCII text, the common case
            }
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return $"U+{(int)c:X4}";
            }
            if (IsDisallowed(rune))
            {
                return $"U+{rune.Value:X4}";
            }
            i += consumed - 1;
        }
        return null;
    }

    private static bool IsDisallowed(Rune rune)
    {
        var v = rune.Value;
        return (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control && v is not ('\t' or '\n' or '\r'))
            || v is >= 0xFDD0 and <= 0xFDEF || (v & 0xFFFE) == 0xFFFE // noncharacters
            || v is >= 0x202A and <= 0x202E || v is >= 0x2066 and <= 0x2069 // bidirectional embeddings, overrides and isolates
            || v == ReplacementCharacter;
    }

    /// <summary>Full-width ASCII forms (１２３、ＭＡ, typed with a Chinese input method) as the ASCII characters they stand for.</summary>
    public static string ToHalfWidth(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;
        }
    });

    /// <summary>What a decoder puts where the bytes were not valid in its encoding (GBK text read as UTF-8, %FF in a URL).</summary>
    public const int ReplacementCharacter = 0xFFFD;

    /// <summary>True when <paramref name="text"/> holds nothing visible: only white space and format characters (U+200B, U+FEFF).</summary>
    public static bool IsBlank(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsWhiteSpace(rune) && Rune.GetUnicodeCategory(rune) != UnicodeCategory.Format)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="max"/> UTF-16 code units, ending in … when cut, never between
    /// the two halves of a surrogate pair: for text quoted in a message, or stored in a column of bounded length.
    /// </summary>
    public static string Shorten(string text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (text.Length <= max)
        {
            return text;
        }
        var keep = max - 1;
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }
        return string.Concat(text.AsSpan(0, keep), "…");
    }

    /// <summary>A value a caller sent, as quoted back in a message: at most 40 code units (a cell may hold 32,767).</summary>
    public static string Quoted(string? value) => $"'{Shorten(value ?? "", 40)}'";
}
