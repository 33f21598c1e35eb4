using Marketplace.Core.Common;

namespace Marketplace.Core.Taxonomy;

/// <summary>The direction checks shared by offerings, demand items, plan projects and diagnosis findings.</summary>
public static class TaxonomyChecks
{
    /// <summary>
    /// 1 to <paramref name="max"/> direction codes and any technology items of them: trimmed, without duplicates; a message
    /// per unknown code or item of another direction.
    /// </summary>
    public static (List<string> Directions, List<string> SubDirections) Directions(TaxonomyCatalog taxonomy, Validator v,
        IReadOnlyList<string>? directionCodes, IReadOnlyList<string>? subDirectionCodes, int max)
    {
        var directions = Distinct(directionCodes);
        if (directions.Count < 1 || directions.Count > max)
        {
            v.Add("directions", $"需要 1 到 {max} 个重点方向 (1 to {max} direction codes are required).");
        }
        for (var n = 0; n < directions.Count; n++)
        {
            if (!taxonomy.IsDirection(directions[n]))
            {
                v.Add($"directions[{n}]", UnknownDirection(directions[n]));
            }
        }
        var subDirections = Distinct(subDirectionCodes);
        for (var n = 0; n < subDirections.Count; n++)
        {
            var sub = taxonomy.FindSubDirection(subDirections[n]);
            if (sub is null)
            {
                v.Add($"subDirections[{n}]", UnknownSubDirection(subDirections[n]));
            }
            else if (!directions.Contains(sub.DirectionCode))
            {
                v.Add($"subDirections[{n}]", $"细分方向 '{sub.Code}' 不属于所选重点方向 (its direction '{sub.DirectionCode}' is not in directions).");
            }
        }
        return (directions, subDirections);
    }

    /// <summary>
    /// One optional direction and technology item (<paramref name="field"/>.direction, .subDirection): an item alone implies
    /// its direction. Returns the trimmed codes.
    /// </summary>
    public static (string? Direction, string? SubDirection) Single(TaxonomyCatalog taxonomy, Validator v, string field, string? directionCode, string? subDirectionCode)
    {
        var direction = string.IsNullOrWhiteSpace(directionCode) ? null : directionCode.Trim();
        var subDirection = string.IsNullOrWhiteSpace(subDirectionCode) ? null : subDirectionCode.Trim();
        if (direction is not null && !taxonomy.IsDirection(direction))
        {
            v.Add($"{field}.direction", UnknownDirection(direction));
        }
        if (subDirection is not null)
        {
            var sub = taxonomy.FindSubDirection(subDirection);
            if (sub is null)
            {
                v.Add($"{field}.subDirection", UnknownSubDirection(subDirection));
            }
            else if (direction is not null && sub.DirectionCode != direction)
            {
                v.Add($"{field}.subDirection", $"{TextRules.Quoted(subDirection)} 不属于方向 {TextRules.Quoted(direction)} (the sub-direction belongs to '{sub.DirectionCode}').");
            }
            else
            {
                direction ??= sub.DirectionCode;
            }
        }
        return (direction, subDirection);
    }

    /// <summary>An optional filter of one direction code: a message when the taxonomy does not have it.</summary>
    public static void OptionalDirection(Validator v, TaxonomyCatalog taxonomy, string field, string? code)
    {
        if (code is not null && !taxonomy.IsDirection(code))
        {
            v.Add(field, UnknownDirection(code));
        }
    }

    /// <summary>An optional filter of one district: a message when the taxonomy does not have it.</summary>
    public static void OptionalDistrict(Validator v, TaxonomyCatalog taxonomy, string field, string? name)
    {
        if (name is not null && !taxonomy.IsDistrict(name))
        {
            v.Add(field, UnknownDistrict(name));
        }
    }

    /// <summary>The one message for a direction code the taxonomy does not have (<paramref name="orAlso"/>: a value the field takes besides).</summary>
    public static string UnknownDirection(string code, string? orAlso = null) =>
        $"未知的重点方向 {TextRules.Quoted(code)} (see GET /api/v1/taxonomy directions{(orAlso is null ? "" : $", or {orAlso}")}).";

    /// <summary>The one message for a technology item (sub-direction) code the taxonomy does not have.</summary>
    public static string UnknownSubDirection(string code) => $"未知的技术条目 {TextRules.Quoted(code)} (see GET /api/v1/taxonomy).";

    /// <summary>The one message for a district name the taxonomy does not have.</summary>
    public static string UnknownDistrict(string name, string? orAlso = null) =>
        $"未知的区县 {TextRules.Quoted(name)} (see GET /api/v1/taxonomy districts{(orAlso is null ? "" : $", or {orAlso}")}).";

    public static List<string> Distinct(IReadOnlyList<string>? values) =>
        (values ?? []).Where(s => s is not null).Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
}
