using System.Text.Json;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Diagnostics;

/// <summary>A maturity level (成熟度等级) a dimension is scored at.</summary>
public sealed record MaturityLevel(int Level, string Name, string Description);

/// <summary>A dimension a diagnosis scores, e.g. equipment 装备 or supply-chain 供应链.</summary>
public sealed record DiagnosticDimension(string Code, string Name, string Description);

/// <summary>
/// What a diagnosis scores and how, loaded from the embedded <c>diagnostic-dimensions.json</c> (data, not code):
/// the dimensions, the maturity levels 1–5 and the severities of findings.
/// </summary>
public sealed record DiagnosticModel(string Version, IReadOnlyList<MaturityLevel> Levels, IReadOnlyList<CodeName> Severities, IReadOnlyList<DiagnosticDimension> Dimensions)
{
    private static readonly Lazy<DiagnosticModel> DefaultInstance = new(() => Parse(TaxonomyCatalog.ReadEmbedded("diagnostic-dimensions.json")));

    public static DiagnosticModel Default => DefaultInstance.Value;

    public int MinLevel => Levels.Min(l => l.Level);

    public int MaxLevel => Levels.Max(l => l.Level);

    public DiagnosticDimension? FindDimension(string code) => Dimensions.FirstOrDefault(d => d.Code == code);

    public bool IsSeverity(string code) => Severities.Any(s => s.Code == code);

    public static DiagnosticModel Parse(string json)
    {
        var model = JsonSerializer.Deserialize<DiagnosticModel>(json, TaxonomyCatalog.JsonOptions)
            ?? throw new InvalidDataException("diagnostic-dimensions.json is empty");
        if (model.Dimensions.Count == 0 || model.Levels.Count == 0 || model.Severities.Count == 0
            || model.Dimensions.Select(d => d.Code).Distinct().Count() != model.Dimensions.Count)
        {
            throw new InvalidDataException("diagnostic-dimensions.json needs dimensions with distinct codes, levels and severities");
        }
        return model;
    }
}
