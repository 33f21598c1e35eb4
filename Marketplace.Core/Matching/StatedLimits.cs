using System.Globalization;
using System.Text.RegularExpressions;
using Marketplace.Core.Common;

namespace Marketplace.Core.Matching;

/// <summary>A budget and a deadline an owner wrote into the demand's text rather than into its fields.</summary>
public sealed record StatedLimits(long? BudgetYuan, int? WithinDays)
{
    public static readonly StatedLimits None = new(null, null);
}

/// <summary>
/// Reads 钱最多五十万, 预算30万元, 20万以内, 十来万以内, 不超过8000块 and 三个月内, 半个月内, 45天以内, 工期两周 from a demand's text,
/// and, given the day it is read on, deadlines written as dates: 年底前, 月底前, 6月底前, 9月份之前, 国庆前, 春节前. An amount or a
/// duration counts only with a word that makes it a limit (预算, 最多, 不超过, 以内, 内…): 年产值3000万, 损失了20万 and
/// 停机三天 describe the plant, not what the owner will spend or wait, and so does an amount after a figure of the plant or of
/// the past in its clause (产值最多三千万, 前年投资300万). A range (3到5万) counts as its upper end. The largest budget and the
/// shortest deadline stated win.
/// </summary>
public static partial class StatedLimitsReader
{
    private const string Number = @"(?<n>\d+(?:\.\d+)?|[零〇一二两三四五六七八九几十百千]+)";

    [GeneratedRegex(@"(?<before>预算|投入|投资|最多|顶多|至多|不超过|不超|别超过|别超|不高于|控制在|限额|上限|能拿出|拿得出|出得起|手头能拿)?(?:是|为|约|大概|大约|在|有|能|就|也就|只有|只能|可以|给)?\s*"
        + Number + @"(?<approx>来|多|余)?\s*(?<unit>万元|万块钱?|万|[wW]|千元|千块钱?|千|[kK]|元|块钱?)(?<thousands>(?<=万)[一二两三四五六七八九])?(?<after>以内|以下|之内|之间|内|封顶|打住|打得住|能接受|可以接受|的?预算|(?:钱)?的(?:东西|那种|就行)|就行|就够)?")]
    private static partial Regex Amount();

    [GeneratedRegex(@"(?<before>工期|周期|时间|最多|顶多|不超过|希望|要在|要求|争取|必须|控制在)?(?:是|为|约|大概|在)?\s*"
        + @"(?<n>\d+(?:\.\d+)?|[零〇一二两三四五六七八九几十百千]+|半)(?<half>个半|半)?\s*(?<unit>个?工作日|天|日|个?星期|周|个?月|年)"
        + @"(?<after>以内|之内|内|完成|做完|搞定|做好|弄好|装好|建好|到位|落地|上线|交付|用起来|投产|见效)?")]
    private static partial Regex Duration();

    public static StatedLimits Read(string? text, DateOnly? today = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return StatedLimits.None;
        }
        long? budget = null;
        // 3到5万, 5万到10万之间: the upper end is the limit. A deadline (年底之前) is no figure of the past for an amount after it.
        var amounts = AmountRange().Replace(DateDeadline().Replace(text, m => new string('，', m.Length)), "");
        foreach (Match m in Amount().Matches(amounts))
        {
            if (!IsLimit(m) || DescribesThePlant(amounts, m.Index) || ToNumber(m.Groups["n"].Value) is not { } n || n <= 0)
            {
                continue;
            }
            // 千万别超过: 千万 is "by all means" there, not ten million.
            if (m.Groups["n"].Value == "千" && m.Groups["unit"].Value == "万" && m.Index + m.Length < amounts.Length && "别不要得".Contains(amounts[m.Index + m.Length]))
            {
                continue;
            }
            n = Approximately(n, m.Groups["approx"].Value);
            var yuan = m.Groups["unit"].Value switch
            {
                "万" when m.Groups["thousands"].Success => n * 10_000 + ToNumber(m.Groups["thousands"].Value)!.Value * 1_000, // 一万五
                var u when u.StartsWith('万') || u is "w" or "W" => n * 10_000,
                var u when u.StartsWith('千') || u is "k" or "K" => n * 1_000,
                _ => n,
            };
            if (yuan is >= 100 and <= Limits.MaxYuan)
            {
                budget = Math.Max(budget ?? 0, (long)Math.Round(yuan));
            }
        }
        int? days = null;
        foreach (Match m in Duration().Matches(text))
        {
            if (!IsLimit(m) || ToNumber(m.Groups["n"].Value) is not { } n || n <= 0)
            {
                continue;
            }
            n += m.Groups["half"].Success ? 0.5 : 0; // 一个半月
            var unit = m.Groups["unit"].Value.TrimStart('个');
            var total = unit switch
            {
                "年" => n == 0.5 ? 180 : n * 365, // 半年 is six months
                "月" => n * 30,
                "星期" or "周" => n * 7,
                _ => n,
            };
            if (total is >= 1 and <= Limits.MaxDays)
            {
                days = Math.Min(days ?? int.MaxValue, (int)Math.Round(total));
            }
        }
        if (today is { } day && DaysToDateDeadline(text, day) is { } untilDate)
        {
            days = Math.Min(days ?? int.MaxValue, untilDate);
        }
        return budget is null && days is null ? StatedLimits.None : new StatedLimits(budget, days);
    }

    /// <summary>
    /// The upper end of an approximate amount, as a range counts by its upper end: 十来万 a little over ten (×1.2), 二十多万
    /// anything below the next step of its last place (29), 一百多万 199.
    /// </summary>
    private static double Approximately(double n, string approx)
    {
        if (approx == "来")
        {
            return n * 1.2;
        }
        if (approx is not ("多" or "余") || n < 10 || n != Math.Floor(n))
        {
            return n;
        }
        var place = 1d;
        while (n % (place * 10) == 0)
        {
            place *= 10;
        }
        return n + place - 1;
    }

    [GeneratedRegex(@"(?<when>(?:今|本)?年(?:底|末)|(?:今|本)年(?=之?内)|(?:这个|本|下个|下)?月(?:底|末)|(?:下个|下)月(?![底末份])|(?<month>\d{1,2}|[一二三四五六七八九十]{1,3})月份?(?<end>底|末)?|国庆|(?<!双)十一|元旦|春节|过年)"
        + @"(?:前|之前|以前|以内|之内|内|(?<done>(?:就|要|得|必须|能|一定|争取)*(?:用上|用起来|上线|投产|到位|交付|完成|装好|弄好|搞定|做完|落地|见效)))")]
    private static partial Regex DateDeadline();

    /// <summary>Days from <paramref name="today"/> to the earliest date the text sets as a deadline (at least one), or null.</summary>
    private static int? DaysToDateDeadline(string text, DateOnly today)
    {
        int? days = null;
        foreach (Match m in DateDeadline().Matches(text))
        {
            if (!SetsADeadline(text, m) || YearBefore(text.AsSpan(0, m.Index), today.Year) is not { } year
                || DeadlineDate(m, today, year) is not { } date || date < today)
            {
                continue; // 去年底, 前年春节前, 上个月底前: the past
            }
            days = Math.Min(days ?? int.MaxValue, Math.Max(1, date.DayNumber - today.DayNumber));
        }
        return days;
    }

    /// <summary>
    /// Whether a date is the owner's deadline rather than when something happens: done by then (3月底前投产, 年底前要用起来,
    /// 下个月前定下来, 年底之前预算20万) or alone in its clause (12月底之前); not 年底前订单特别多, 今年内已经停机三次, 春节前后, 每月底前要出报表.
    /// </summary>
    private static bool SetsADeadline(string text, Match m)
    {
        if (m.Groups["done"].Success)
        {
            return true;
        }
        var end = m.Index + m.Length;
        var after = text.AsSpan(end, Clauses.EndOf(text, end) - end).Trim();
        var before = text.AsSpan(0, m.Index);
        return !before.EndsWith("每") && !after.StartsWith("后")
            && (after.IsEmpty || (after.IndexOfAny(PastInClause) < 0 && DeadlineWish().IsMatch(after)));
    }

    private static readonly System.Buffers.SearchValues<char> PastInClause = System.Buffers.SearchValues.Create("了过");

    [GeneratedRegex(@"要|想|得|必须|希望|争取|务必|预算|能用|用上|用起来|上线|投产|到位|交付|完成|装好|弄好|搞定|做完|落地|见效|定下来|搞好|做好")]
    private static partial Regex DeadlineWish();

    /// <summary>
    /// The year a date deadline names just before it: 2027年底, 明年底, 明年6月底 (the next), 后年 (the one after); this year when
    /// none is named (今年底, 然后年底前); null for the past (去年底, 前年, 上个月底前, 上月底).
    /// </summary>
    private static int? YearBefore(ReadOnlySpan<char> before, int thisYear)
    {
        if (before.EndsWith("上个") || before.EndsWith("上") && !before.EndsWith("马上"))
        {
            return null;
        }
        var trimmed = before.EndsWith("年") ? before[..^1] : before; // 明年年底, 2027年6月底
        if (trimmed.Length >= 4 && int.TryParse(trimmed[^4..], NumberStyles.None, CultureInfo.InvariantCulture, out var named))
        {
            return named;
        }
        // A one-character year word, unless it ends another word (然后、之前、以后、目前、提前、当前).
        if (trimmed.Length > 0 && (trimmed.Length == 1 || !"然之以目提当".Contains(trimmed[^2])))
        {
            switch (trimmed[^1])
            {
                case '明': return thisYear + 1;
                case '后': return thisYear + 2;
                case '去' or '前': return null;
            }
        }
        return thisYear;
    }

    private static DateOnly? DeadlineDate(Match m, DateOnly today, int year)
    {
        var when = m.Groups["when"].Value;
        var named = year != today.Year;
        var within = m.Value.EndsWith('内');
        if (m.Groups["month"].Success)
        {
            // 一月内, 两月内: within a month or two (a duration, read as one), not before January.
            if (within || ToNumber(m.Groups["month"].Value) is not { } month || month is < 1 or > 12 || month != Math.Floor(month))
            {
                return null;
            }
            // 6月底前 and 6月要上线: the month's last day; 9月份之前: its first. A month already past this year is next year's.
            DateOnly For(int y)
            {
                var start = new DateOnly(y, (int)month, 1);
                return m.Groups["end"].Success || m.Groups["done"].Success ? start.AddMonths(1).AddDays(-1) : start;
            }
            return !named && For(year) < today ? For(year + 1) : For(year);
        }
        var endOfThisMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(1).AddDays(-1);
        return when switch
        {
            "春节" or "过年" => NextSpringFestival(today),
            _ when when.Contains('年') => new DateOnly(year, 12, 31),
            // 下个月底前, 下个月内 and 下个月要用上: next month's last day; 下个月前: its first.
            _ when when.StartsWith('下') => when.Length > 2 && when[^1] is '底' or '末' || within || m.Groups["done"].Success
                ? endOfThisMonth.AddDays(1).AddMonths(1).AddDays(-1)
                : endOfThisMonth.AddDays(1),
            _ when when.EndsWith("月底") || when.EndsWith("月末") => endOfThisMonth,
            "国庆" or "十一" => Next(new DateOnly(year, 10, 1), today),
            _ => new DateOnly(named ? year : year + 1, 1, 1), // 元旦: the coming one, or the named year's
        };
    }

    private static DateOnly Next(DateOnly date, DateOnly today) => date < today ? date.AddYears(1) : date;

    private static DateOnly NextSpringFestival(DateOnly today)
    {
        var lunar = new ChineseLunisolarCalendar();
        foreach (var year in new[] { today.Year, today.Year + 1 })
        {
            var festival = DateOnly.FromDateTime(lunar.ToDateTime(year, 1, 1, 0, 0, 0, 0));
            if (festival >= today)
            {
                return festival;
            }
        }
        return today.AddYears(1);
    }

    private static bool IsLimit(Match m) => m.Groups["before"].Success || m.Groups["after"].Success;

    /// <summary>
    /// Whether the clause before an amount makes it a figure of the plant or of the past (年产值两千万以内, 产值最多三千万,
    /// 前年投资300万上的线), whatever limit word stands beside it.
    /// </summary>
    private static bool DescribesThePlant(string text, int at) => PlantOrPast().IsMatch(Clauses.Before(text, at));

    [GeneratedRegex(@"产值|营收|营业额|销售额|年销售|年产|产量|利润|税收|电费|水费|工资|损失|亏损|亏了|花了|投了|买了|买的|贷款|注册资本|前年|去年|当年|之前|以前|原来|早年|那年|已经|\d{4}年")]
    private static partial Regex PlantOrPast();

    /// <summary>The lower end of an amount range and its connector (3到, 5万到, 3-), so that the upper end is read as the amount.</summary>
    [GeneratedRegex(@"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九几十百千]+)\s*(?:万元|万|千元|千|元|块)?\s*(?:到|至|-|~|～|—|－)\s*(?=(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九几十百千]+)\s*(?:万|千|元|块|[wWkK]))")]
    private static partial Regex AmountRange();

    /// <summary>12, 1.5, 五十, 一百二十, 两千, 十五 as numbers; null for what is not one.</summary>
    public static double? ToNumber(string s)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var arabic))
        {
            return arabic;
        }
        if (s == "半")
        {
            return 0.5;
        }
        double total = 0, digit = 0;
        var any = false;
        foreach (var c in s)
        {
            var value = "零〇一二三四五六七八九".IndexOf(c) switch
            {
                0 or 1 => 0,
                var i and > 1 => i - 1,
                _ => c switch { '两' => 2, '几' => 9, _ => -1 }, // 几千: at most nine thousand
            };
            if (value >= 0)
            {
                digit = value;
                any = true;
                continue;
            }
            var scale = c switch { '十' => 10, '百' => 100, '千' => 1000, _ => 0 };
            if (scale == 0)
            {
                return null;
            }
            total += (digit == 0 && !any ? 1 : digit) * scale; // 十五: a leading 十 is one ten
            digit = 0;
            any = true;
        }
        return any ? total + digit : null;
    }
}
