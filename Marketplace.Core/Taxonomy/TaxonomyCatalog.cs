using System.Reflection;
using System.Text.Json;

namespace Marketplace.Core.Taxonomy;

/// <summary>
/// The taxonomy loaded once from the embedded <c>taxonomy.json</c>: directions, technology items,
/// districts, offering types and deployment modes, plus lookups used by validation, search and matching.
/// </summary>
public sealed class TaxonomyCatalog
{
    public const string WholeCityName = "全市";

    private static readonly Lazy<TaxonomyCatalog> DefaultInstance = new(() => Parse(ReadEmbedded("taxonomy.json")));

    private readonly Dictionary<string, Direction> _directions;
    private readonly Dictionary<string, SubDirection> _subDirections;
    private readonly HashSet<string> _districtNames;
    private readonly HashSet<string> _typeCodes;
    private readonly HashSet<string> _deploymentCodes;

    public TaxonomyCatalog(TaxonomyDocument document)
    {
        Document = document;
        _directions = document.Directions.ToDictionary(d => d.Code, StringComparer.Ordinal);
        _subDirections = document.Directions.SelectMany(d => d.SubDirections).ToDictionary(s => s.Code, StringComparer.Ordinal);
        _districtNames = document.Districts.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        _typeCodes = document.OfferingTypes.Select(t => t.Code).ToHashSet(StringComparer.Ordinal);
        _deploymentCodes = document.DeploymentModes.Select(t => t.Code).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The taxonomy shipped with the product (loaded once, thread-safe).</summary>
    public static TaxonomyCatalog Default => DefaultInstance.Value;

    public TaxonomyDocument Document { get; }

    public IReadOnlyList<Direction> Directions => Document.Directions;

    public IEnumerable<SubDirection> SubDirections => _subDirections.Values;

    public IReadOnlyList<District> Districts => Document.Districts;

    public Direction? FindDirection(string code) => _directions.GetValueOrDefault(code);

    /// <summary>
    /// The direction an enterprise's declared industry belongs to (工业涂料 → chemicals, 摩托车齿轮制造 → machinery): the
    /// direction with the longest name or alias the industry holds, 通用 never; null when none is held.
    /// </summary>
    public string? DirectionOfIndustry(string? industry) =>
        string.IsNullOrWhiteSpace(industry) ? null
        : Document.Directions.Where(d => d.Code != GeneralDirectionCode)
            .SelectMany(d => d.Aliases.Prepend(d.Name).Where(a => industry.Contains(a, StringComparison.OrdinalIgnoreCase)).Select(a => (d.Code, a.Length)))
            .OrderByDescending(m => m.Length).ThenBy(m => m.Code, StringComparer.Ordinal)
            .Select(m => m.Code).FirstOrDefault();

    /// <summary>The code of the cross-industry direction (通用领域).</summary>
    public const string GeneralDirectionCode = "general";

    public SubDirection? FindSubDirection(string code) => _subDirections.GetValueOrDefault(code);

    public bool IsDirection(string code) => _directions.ContainsKey(code);

    public bool IsSubDirection(string code) => _subDirections.ContainsKey(code);

    /// <summary>A district an offering may serve: any district, or 全市.</summary>
    public bool IsServiceArea(string name) => name == WholeCityName || _districtNames.Contains(name);

    /// <summary>A district an organization may be located in (not 全市).</summary>
    public bool IsDistrict(string name) => _districtNames.Contains(name);

    public bool IsOfferingType(string code) => _typeCodes.Contains(code);

    public bool IsDeployment(string code) => _deploymentCodes.Contains(code);

    public bool IsEnterpriseScale(string scale) => Document.EnterpriseScales.Contains(scale);

    /// <summary>True when an offering serving <paramref name="served"/> serves <paramref name="district"/>.</summary>
    public static bool Serves(IEnumerable<string> served, string district) =>
        served.Any(s => s == WholeCityName || s == district);

    public static TaxonomyCatalog Parse(string json)
    {
        var document = JsonSerializer.Deserialize<TaxonomyDocument>(json, JsonOptions)
            ?? throw new InvalidDataException("taxonomy.json is empty");
        return new TaxonomyCatalog(document);
    }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    internal static string ReadEmbedded(string fileName)
    {
        var assembly = typeof(TaxonomyCatalog).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + fileName, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
