namespace Marketplace.Search.Analysis;

/// <summary>The word-break class of a character, as Lucene's StandardTokenizer (UAX #29, Unicode 6.3) sees it.</summary>
internal enum BigramCharClass : byte
{
    /// <summary>Not in the table (surrogates, kana, Hangul, combining marks, …): the text takes the reference chain.</summary>
    Unknown,

    /// <summary>Never part of a token: spaces, punctuation, symbols.</summary>
    Other,

    /// <summary>WB ALetter.</summary>
    Letter,

    /// <summary>WB Numeric, plus the full-width digits StandardTokenizer adds.</summary>
    Digit,

    /// <summary>WB MidLetter: joins two letters (a:b, a·b).</summary>
    MidLetter,

    /// <summary>WB MidNumLet and Single_Quote: joins two letters or two digits (e.g, 3.5, don't).</summary>
    MidNumLet,

    /// <summary>WB MidNum: joins two digits (1,000).</summary>
    MidNum,

    /// <summary>WB ExtendNumLet (the underscore): joins anything word-like and sticks to either end of a word.</summary>
    Connector,

    /// <summary>A Han ideograph: a token of its own, bigrammed with its Han neighbours.</summary>
    Han,
}

/// <summary>
/// The characters <see cref="ChineseBigramTokenizer"/> handles itself, by class, and the term character each one
/// becomes (full-width folded to ASCII, then lower-cased as <see cref="InvariantLowerCaseFilter"/> does).
/// Only classes verified against StandardTokenizer are listed (see the analysis equality tests); anything else is
/// <see cref="BigramCharClass.Unknown"/>.
/// </summary>
internal static class BigramCharClasses
{
    private static readonly BigramCharClass[] Classes = BuildClasses();

    private static readonly char[] TermChars = BuildTermChars();

    public static BigramCharClass Of(char c) => Classes[c];

    public static char TermChar(char c) => TermChars[c];

    private static BigramCharClass[] BuildClasses()
    {
        var classes = new BigramCharClass[char.MaxValue + 1];
        void Set(BigramCharClass value, int first, int last)
        {
            for (var c = first; c <= last; c++)
            {
                classes[c] = value;
            }
        }
        void SetEach(BigramCharClass value, params int[] chars)
        {
            foreach (var c in chars)
            {
                classes[c] = value;
            }
        }

        // ASCII and Latin-1
        Set(BigramCharClass.Other, 0x0000, 0x007F);
        Set(BigramCharClass.Letter, 'A', 'Z');
        Set(BigramCharClass.Letter, 'a', 'z');
        Set(BigramCharClass.Digit, '0', '9');
        SetEach(BigramCharClass.MidLetter, ':');
        SetEach(BigramCharClass.MidNumLet, '.', '\'');
        SetEach(BigramCharClass.MidNum, ',', ';');
        SetEach(BigramCharClass.Connector, '_');
        Set(BigramCharClass.Other, 0x00A0, 0x00BF);
        SetEach(BigramCharClass.Unknown, 0x00AD); // soft hyphen: Format, glued to the word before it
        SetEach(BigramCharClass.Letter, 0x00AA, 0x00B5, 0x00BA);
        SetEach(BigramCharClass.MidLetter, 0x00B7);
        Set(BigramCharClass.Letter, 0x00C0, 0x024F);
        SetEach(BigramCharClass.Other, 0x00D7, 0x00F7);

        // Greek letters (μ, Ω in specifications)
        Set(BigramCharClass.Letter, 0x0391, 0x03A1);
        Set(BigramCharClass.Letter, 0x03A3, 0x03A9);
        Set(BigramCharClass.Letter, 0x03B1, 0x03C9);

        // General punctuation (dashes, quotes, ellipsis, ‰, ※)
        Set(BigramCharClass.Other, 0x2010, 0x2027);
        SetEach(BigramCharClass.MidNumLet, 0x2018, 0x2019, 0x2024);
        SetEach(BigramCharClass.MidLetter, 0x2027);
        Set(BigramCharClass.Other, 0x2030, 0x205E);
        SetEach(BigramCharClass.Connector, 0x203F, 0x2040, 0x2054);
        SetEach(BigramCharClass.MidNum, 0x2044);

        // Symbols: ℃ ℉ № ™, arrows, mathematical operators, technical, ①–⑳, box drawing, shapes, dingbats
        SetEach(BigramCharClass.Other, 0x2103, 0x2109, 0x2116, 0x2121, 0x2122);
        Set(BigramCharClass.Other, 0x2190, 0x23FF);
        Set(BigramCharClass.Other, 0x2460, 0x249B);
        Set(BigramCharClass.Other, 0x2500, 0x27BF);

        // CJK punctuation and symbols (、。〈〉《》「」【】〔〕〜), parenthesized and circled ideographs, units (㎡ ㎏)
        Set(BigramCharClass.Other, 0x3000, 0x3004);
        Set(BigramCharClass.Other, 0x3008, 0x3020);
        SetEach(BigramCharClass.Other, 0x3030, 0x303D, 0x303E, 0x303F);
        Set(BigramCharClass.Other, 0x3220, 0x3247);
        Set(BigramCharClass.Other, 0x3280, 0x32B0);
        Set(BigramCharClass.Other, 0x3380, 0x33DF);

        // Han: CJK Unified Ideographs and Extension A as of Unicode 6.3
        Set(BigramCharClass.Han, 0x3400, 0x4DB5);
        Set(BigramCharClass.Han, 0x4E00, 0x9FCC);

        // Small form variants and full-width ASCII (，；：（）ＭＥＳ５Ｇ), full-width signs (￥)
        SetEach(BigramCharClass.MidNum, 0xFE50, 0xFE54);
        SetEach(BigramCharClass.MidNumLet, 0xFE52);
        Set(BigramCharClass.Other, 0xFF01, 0xFF5E);
        Set(BigramCharClass.Letter, 0xFF21, 0xFF3A);
        Set(BigramCharClass.Letter, 0xFF41, 0xFF5A);
        Set(BigramCharClass.Digit, 0xFF10, 0xFF19);
        SetEach(BigramCharClass.MidNumLet, 0xFF07, 0xFF0E);
        SetEach(BigramCharClass.MidNum, 0xFF0C, 0xFF1B);
        SetEach(BigramCharClass.MidLetter, 0xFF1A);
        SetEach(BigramCharClass.Connector, 0xFF3F);
        Set(BigramCharClass.Other, 0xFFE0, 0xFFE6);
        return classes;
    }

    private static char[] BuildTermChars()
    {
        var chars = new char[char.MaxValue + 1];
        for (var i = 0; i <= char.MaxValue; i++)
        {
            var c = (char)i;
            // CJKWidthFilter, then InvariantLowerCaseFilter
            var folded = c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;
            chars[i] = folded < 0x80
                ? (uint)(folded - 'A') <= 'Z' - 'A' ? (char)(folded | 0x20) : folded
                : char.IsSurrogate(folded) ? folded : char.ToLowerInvariant(folded);
        }
        return chars;
    }
}
