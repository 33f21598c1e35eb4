using Marketplace.Core.Common;

namespace Marketplace.Core.Organizations;

/// <summary>统一社会信用代码 (unified social credit code) per GB 32100-2015: 18 characters, the last a check character.</summary>
public static class CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// <summary>The shape <see cref="Problem"/> accepts (the alphabet above, digits in places 3–8), without the check character's arithmetic.</summary>
    public const string Pattern = "^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>
    /// The code as people type it, in the form it is checked and stored in: spaces around it dropped, full-width characters
    /// (９１５００…) as half-width, letters upper-case (ma5yq → MA5YQ).
    /// </summary>
    public static string? Normalize(string? code) => code is null ? null : TextRules.ToHalfWidth(code.Trim()).ToUpperInvariant();

    /// <summary>Null when valid, otherwise the reason in Chinese and English.</summary>
    public static string? Problem(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "必填 (required).";
        }
        if (code.Length != 18)
        {
            return "统一社会信用代码应为 18 位 (must be 18 characters).";
        }
        if (code.Any(c => Alphabet.IndexOf(c, StringComparison.Ordinal) < 0))
        {
            return "含有非法字符：只允许数字和除 I、O、Z、S、V 外的大写字母 (only digits and uppercase letters except I, O, Z, S, V).";
        }
        if (!code.AsSpan(2, 6).ToString().All(char.IsAsciiDigit))
        {
            return "第 3–8 位应为行政区划码数字 (characters 3-8 must be an administrative division code).";
        }
        return code[17] == CheckCharacter(code.AsSpan(0, 17))
            ? null
            : "校验码错误 (check character does not match GB 32100-2015).";
    }

    public static bool IsValid(string? code) => Problem(code) is null;

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(first17[i]) * Weights[i];
        }
        var check = 31 - (sum % 31);
        return Alphabet[check == 31 ? 0 : check];
    }

    /// <summary>Completes 17 characters with their check character.</summary>
    public static string Complete(string first17) => first17 + CheckCharacter(first17);
}
