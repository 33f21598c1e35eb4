namespace Marketplace.Search.Analysis;

/// <summary>
/// Length-preserving normalization applied before segmentation, at index and query time:
/// full-width ASCII (ＭＥＳ, ５Ｇ) to half-width, ideographic space to space, lower case.
/// Keeping the length lets analyzers report offsets into the original text (highlighting).
/// </summary>
public static class TextFolding
{
    public static string Fold(string text)
    {
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = FoldChar(source[i]);
            }
        });
    }

    public static char FoldChar(char c) => c switch
    {
        >= 'A' and <= 'Z' => (char)(c | 0x20),
        < '\u0080' => c,
        '\u3000' => ' ',
        >= '\u2E80' and <= '\u9FFF' => c, // CJK: no case (and no call into the culture tables, which is slow)
        >= '\uFF01' and <= '\uFF5E' => char.ToLowerInvariant((char)(c - 0xFEE0)),
        _ => char.ToLowerInvariant(c),
    };

    /// <summary>Trims and cuts user text to at most <paramref name="maxLength"/> characters without splitting a surrogate pair.</summary>
    public static string Truncate(string text, int maxLength)
    {
        var trimmed = text.Trim();
        if (trimmed.Length <= maxLength)
        {
            return trimmed;
        }
        var cut = char.IsHighSurrogate(trimmed[maxLength - 1]) ? maxLength - 1 : maxLength;
        return trimmed[..cut];
    }
}
