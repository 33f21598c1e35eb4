using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Scoreboard;

/// <summary>
/// <c>Marketplace:Scoreboard</c>: how a district's plan progress becomes a score and a colour (五色图). The score is the
/// weighted mean of the shares; the colour is the last band whose <c>MinScore</c> the score
/// reaches. A metric without data (investment when nothing is planned) drops out and the other weights count
/// proportionally. Validated at start-up.
/// </summary>
public sealed partial class ScoreboardOptions
{
    public const string Section = "Marketplace:Scoreboard";

    public ScoreWeights Weights { get; set; } = new();

    /// <summary>Colour bands from lowest to highest; the first must start at 0. Null or empty: <see cref="DefaultColours"/>.</summary>
    public List<ColourBand>? Colours { get; set; }

    /// <summary>The colour of a district with no project in the year's plan.</summary>
    public ColourBand NoPlan { get; set; } = new() { Code = "none", Name = "无计划", Hex = "#bdbdbd", MinScore = 0 };

    public IReadOnlyList<ColourBand> EffectiveColours => Colours is { Count: > 0 } ? Colours : DefaultColours;

    /// <summary>Red to green in five bands (红、橙、黄、浅绿、绿).</summary>
    public static readonly IReadOnlyList<ColourBand> DefaultColours =
    [
        new() { Code = "red", Name = "红", Hex = "#d73027", MinScore = 0 },
        new() { Code = "orange", Name = "橙", Hex = "#fc8d59", MinScore = 0.2 },
        new() { Code = "yellow", Name = "黄", Hex = "#fee08b", MinScore = 0.4 },
        new() { Code = "light-green", Name = "浅绿", Hex = "#91cf60", MinScore = 0.6 },
        new() { Code = "green", Name = "绿", Hex = "#1a9850", MinScore = 0.8 },
    ];

    public ColourBand ColourOf(double score) => EffectiveColours.Last(c => score >= c.MinScore);

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    internal static partial Regex HexColour();
}

/// <summary>Weight of each share in the score (≥ 0; they need not sum to 1).</summary>
public sealed class ScoreWeights
{
    /// <summary>Share of the plan's enterprises with a submitted diagnosis report.</summary>
    public double Diagnosed { get; set; } = 0.2;

    /// <summary>Share of the plan's enterprises with a matched demand item.</summary>
    public double Matched { get; set; } = 0.2;

    /// <summary>Share of the plan's enterprises with an engagement.</summary>
    public double Engaged { get; set; } = 0.2;

    /// <summary>Share of the plan's enterprises with a completed project.</summary>
    public double Completed { get; set; } = 0.25;

    /// <summary>Completed investment over planned investment (at most 1).</summary>
    public double Investment { get; set; } = 0.15;
}

public sealed class ColourBand
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Hex { get; set; } = "";
    public double MinScore { get; set; }
}

public sealed class ScoreboardOptionsValidator : IValidateOptions<ScoreboardOptions>
{
    public ValidateOptionsResult Validate(string? name, ScoreboardOptions options)
    {
        var failures = new List<string>();
        var w = options.Weights;
        double[] weights = [w.Diagnosed, w.Matched, w.Engaged, w.Completed, w.Investment];
        if (weights.Any(x => x < 0 || double.IsNaN(x) || double.IsInfinity(x)))
        {
            failures.Add("Marketplace:Scoreboard:Weights: every weight must be a number ≥ 0.");
        }
        else if (weights.Sum() <= 0)
        {
            failures.Add("Marketplace:Scoreboard:Weights: at least one weight must be above 0.");
        }
        var colours = options.EffectiveColours;
        for (var i = 0; i < colours.Count; i++)
        {
            var c = colours[i];
            var key = $"Marketplace:Scoreboard:Colours:{i}";
            if (string.IsNullOrWhiteSpace(c.Code) || string.IsNullOrWhiteSpace(c.Name))
            {
                failures.Add($"{key}: Code and Name are required.");
            }
            if (!ScoreboardOptions.HexColour().IsMatch(c.Hex ?? ""))
            {
                failures.Add($"{key}:Hex must be #RRGGBB (got '{c.Hex}').");
            }
            if (c.MinScore < 0 || c.MinScore > 1)
            {
                failures.Add($"{key}:MinScore must be between 0 and 1 (got {c.MinScore.ToString(CultureInfo.InvariantCulture)}).");
            }
            if (i == 0 && c.MinScore != 0)
            {
                failures.Add($"{key}:MinScore must be 0: the lowest band covers every score from 0.");
            }
            if (i > 0 && c.MinScore <= colours[i - 1].MinScore)
            {
                failures.Add($"{key}:MinScore must be above the previous band's ({colours[i - 1].MinScore.ToString(CultureInfo.InvariantCulture)}): bands go from lowest to highest.");
            }
        }
        if (colours.Select(c => c.Code).Distinct(StringComparer.Ordinal).Count() != colours.Count)
        {
            failures.Add("Marketplace:Scoreboard:Colours: codes must be distinct.");
        }
        if (!ScoreboardOptions.HexColour().IsMatch(options.NoPlan.Hex ?? ""))
        {
            failures.Add($"Marketplace:Scoreboard:NoPlan:Hex must be #RRGGBB (got '{options.NoPlan.Hex}').");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
