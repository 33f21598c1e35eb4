namespace Marketplace.Core.Common;

/// <summary>The API's codes for enums (<c>draft</c>, <c>capability-center</c>…).</summary>
public static class EnumCodes
{
    /// <summary>
    /// The value whose code is exactly <paramref name="code"/>: the enum's own name, another case or a number is no code
    /// (the framework's enum binding would take <c>Draft</c>, <c>DRAFT</c>, <c>1</c> and even an undefined <c>9</c>).
    /// </summary>
    public static bool TryParse<TEnum>(string? code, Func<TEnum, string> toCode, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (toCode(candidate) == code)
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
