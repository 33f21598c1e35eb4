namespace Marketplace.Core.Common;

/// <summary>The bounds every amount of money and every duration in the pool shares: offerings, demands, engagements, diagnoses, search.</summary>
public static class Limits
{
    /// <summary>The largest amount in yuan (10^10: above any single transformation project, and within a JSON number's exact range).</summary>
    public const long MaxYuan = 10_000_000_000;

    /// <summary>The longest duration in days (ten years).</summary>
    public const int MaxDays = 3_650;

    /// <summary>The years the pool keeps plans, and days of filters, for.</summary>
    public const int FirstYear = 2000;

    public const int LastYear = 2100;
}
