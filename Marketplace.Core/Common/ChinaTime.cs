namespace Marketplace.Core.Common;

/// <summary>
/// China Standard Time (UTC+8, no daylight saving), in which the pool's users count days and years: "this year" and a
/// day filter start at midnight in Chongqing, not in UTC (from 00:00 to 08:00 on 1 January UTC is still last year).
/// </summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset Now(TimeProvider clock) => clock.GetUtcNow().ToOffset(Offset);

    public static int Year(TimeProvider clock) => Now(clock).Year;

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(Now(clock).DateTime);

    /// <summary>The instant the day starts in China.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>The instant the day ends in China (the next day's start; an exclusive bound).</summary>
    public static DateTimeOffset EndOf(DateOnly day) => StartOf(day.AddDays(1));

    /// <summary>The instant the year ends in China (the next year's first; an exclusive bound).</summary>
    public static DateTimeOffset EndOfYear(int year) => StartOf(new DateOnly(year + 1, 1, 1));
}
