using System.Globalization;
using Marketplace.Core.Common;

namespace Marketplace.Core.Engagements;

/// <summary>The action plan's 五个优化: the dimensions a verified engagement reports measured results in.</summary>
public sealed record OutcomeDimension(string Code, string Name);

/// <summary>A unit a measured result may be given in, with the range a value in it may take.</summary>
public sealed record OutcomeUnit(string Code, double Min, double Max, bool WholeNumbers);

/// <summary>One measured result at 验收: a metric in a unit, before (baseline) and after (actual).</summary>
public sealed record Outcome(string Dimension, string Metric, string Unit, double Baseline, double Actual)
{
    public double Change => Math.Round(Actual - Baseline, 4);

    /// <summary>Relative change in percent of the baseline; null when the baseline is 0.</summary>
    public double? ChangePercent => Baseline == 0 ? null : Math.Round((Actual - Baseline) / Math.Abs(Baseline) * 100, 1);

    /// <summary>"焊缝一次合格率 92%→98%", as a case or a reason quotes it.</summary>
    public string Describe() => $"{Metric} {Format(Baseline)}{Unit}→{Format(Actual)}{Unit}";

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}

/// <summary>What a client sends for one outcome.</summary>
public sealed record OutcomeInput(string? Dimension, string? Metric, string? Unit, double? Baseline, double? Actual);

public static class Outcomes
{
    public const int MaxPerEngagement = 20;
    public const int MetricMax = 50;

    public static readonly IReadOnlyList<OutcomeDimension> Dimensions =
    [
        new("technology-process", "技术工艺优化"),
        new("product-system", "产品体系优化"),
        new("quality", "质量管控优化"),
        new("industrial-chain", "产业链协同优化"),
        new("economic-benefit", "经济效益优化"),
    ];

    private const double Large = 1e12;

    /// <summary>Units and their ranges. Rates are levels in 0–100 (一次合格率 92 → 98), not changes: a change is the difference of two levels.</summary>
    public static readonly IReadOnlyList<OutcomeUnit> Units =
    [
        new("%", 0, 100, false),
        new("人", 0, 1_000_000, true),
        new("台", 0, 1_000_000, true),
        new("套", 0, 1_000_000, true),
        new("个", 0, Large, true),
        new("件", 0, Large, false),
        new("批", 0, Large, true),
        new("次", 0, Large, true),
        new("项", 0, 1_000_000, true),
        new("天", 0, 36_500, false),
        new("小时", 0, 876_000, false),
        new("分钟", 0, 52_560_000, false),
        new("秒", 0, Large, false),
        new("元", 0, Large, false),
        new("万元", 0, 100_000_000, false),
        new("吨", 0, Large, false),
        new("千克", 0, Large, false),
        new("千瓦时", 0, Large, false),
        new("吨标准煤", 0, Large, false),
        new("立方米", 0, Large, false),
        new("元/件", 0, 100_000_000, false),
        new("千瓦时/件", 0, 1_000_000, false),
        new("千瓦时/吨", 0, 1_000_000, false),
        new("分钟/件", 0, 1_000_000, false),
        new("件/小时", 0, 100_000_000, false),
        new("件/天", 0, 100_000_000, false),
    ];

    public static OutcomeDimension? FindDimension(string code) => Dimensions.FirstOrDefault(d => d.Code == code);

    public static OutcomeUnit? FindUnit(string code) => Units.FirstOrDefault(u => u.Code == code);

    /// <summary>Checks the outcomes of a 验收 (at least one, each with dimension, metric, unit, baseline and actual in the unit's range).</summary>
    public static IReadOnlyList<Outcome> Validate(IReadOnlyList<OutcomeInput?>? inputs, Validator v, string field = "outcomes")
    {
        if (inputs is null || inputs.Count == 0)
        {
            v.Add(field, $"验收需填写至少一项实测效果（五个优化之一，含基线和实际值） (at least one measured outcome with a baseline is required; dimensions: {string.Join(", ", Dimensions.Select(d => d.Code))}).");
            return [];
        }
        if (inputs.Count > MaxPerEngagement)
        {
            v.Add(field, $"最多 {MaxPerEngagement} 项 (at most {MaxPerEngagement} outcomes).");
            return [];
        }
        var result = new List<Outcome>();
        var metrics = new HashSet<string>(StringComparer.Ordinal);
        for (var n = 0; n < inputs.Count; n++)
        {
            var at = $"{field}[{n}]";
            var input = inputs[n];
            if (input is null)
            {
                v.Add(at, "必填 (required).");
                continue;
            }
            var ok = true;
            var dimension = input.Dimension?.Trim();
            if (!v.Required($"{at}.dimension", dimension))
            {
                ok = false;
            }
            else if (FindDimension(dimension!) is null)
            {
                v.Add($"{at}.dimension", $"未知的优化方向 '{dimension}' (one of: {string.Join(", ", Dimensions.Select(d => $"{d.Code} {d.Name}"))}).");
                ok = false;
            }
            var metric = input.Metric?.Trim();
            if (!v.Required($"{at}.metric", metric))
            {
                ok = false;
            }
            else if (metric!.Length > MetricMax)
            {
                v.Text($"{at}.metric", metric, MetricMax);
                ok = false;
            }
            else if (!metrics.Add(metric))
            {
                v.Add($"{at}.metric", $"指标 '{metric}' 重复 (each metric once).");
                ok = false;
            }
            var unitCode = input.Unit?.Trim();
            var unit = unitCode is null ? null : FindUnit(unitCode);
            if (!v.Required($"{at}.unit", unitCode))
            {
                ok = false;
            }
            else if (unit is null)
            {
                v.Add($"{at}.unit", $"不支持的单位 '{unitCode}' (one of: {string.Join(" ", Units.Select(u => u.Code))}).");
                ok = false;
            }
            ok &= Value(v, $"{at}.baseline", input.Baseline, unit, "基线值（改造前） (the baseline, before the project)");
            ok &= Value(v, $"{at}.actual", input.Actual, unit, "实际值（验收时） (the value measured at 验收)");
            if (ok)
            {
                result.Add(new Outcome(dimension!, metric!, unit!.Code, Math.Round(input.Baseline!.Value, 4), Math.Round(input.Actual!.Value, 4)));
            }
        }
        return result;
    }

    private static bool Value(Validator v, string field, double? value, OutcomeUnit? unit, string what)
    {
        if (value is null)
        {
            v.Add(field, $"必填：{what}.");
            return false;
        }
        if (!double.IsFinite(value.Value))
        {
            v.Add(field, "应为有限数值 (must be a finite number).");
            return false;
        }
        if (unit is null)
        {
            return true;
        }
        if (value < unit.Min || value > unit.Max)
        {
            v.Add(field, $"以「{unit.Code}」计应在 {unit.Min.ToString(CultureInfo.InvariantCulture)} 到 {unit.Max.ToString(CultureInfo.InvariantCulture)} 之间 (out of range for unit '{unit.Code}').");
            return false;
        }
        if (unit.WholeNumbers && value != Math.Floor(value.Value))
        {
            v.Add(field, $"以「{unit.Code}」计应为整数 (whole numbers only for unit '{unit.Code}').");
            return false;
        }
        // Stored with four decimals: more would be rounded away without a word.
        if (Math.Round(value.Value, 4) != value.Value)
        {
            v.Add(field, "最多 4 位小数 (at most four decimal places).");
            return false;
        }
        return true;
    }
}
