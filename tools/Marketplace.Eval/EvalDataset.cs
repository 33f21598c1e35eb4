using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Eval;

public sealed record EvalSupplier(string Name, string CreditCode, string District);

/// <summary>One line of <c>offerings.jsonl</c>.</summary>
public sealed record EvalOffering(
    string Key,
    EvalSupplier Supplier,
    string Type,
    string Title,
    string Summary,
    string Description,
    IReadOnlyList<string> Directions,
    IReadOnlyList<string>? SubDirections,
    IReadOnlyList<string> Keywords,
    string Deployment,
    long PriceMinYuan,
    long PriceMaxYuan,
    int ImplementationDays,
    IReadOnlyList<string> Districts);

public sealed record EvalEnterprise(string Name, string District, string? Industry, string? Scale);

/// <summary>One line of <c>demands.jsonl</c>: an item of list <see cref="List"/>.</summary>
public sealed record EvalDemand(
    string List,
    EvalEnterprise Enterprise,
    string Item,
    string Text,
    string? Direction,
    string? SubDirection,
    long? BudgetYuan,
    int? WithinDays);

/// <summary>A dataset in the format of <c>../shared/eval-dev/</c>: offerings, demand items and graded judgments.</summary>
public sealed class EvalDataset
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public required string Name { get; init; }
    public required IReadOnlyList<EvalOffering> Offerings { get; init; }
    public required IReadOnlyList<EvalDemand> Demands { get; init; }
    /// <summary>Per demand item: offering key → grade (0–3). Unlisted offerings are grade 0.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Qrels { get; init; }
    /// <summary>Per demand item, its kind (ordinary, symptom, need) when the set has a <c>kinds.tsv</c>; else empty.</summary>
    public IReadOnlyDictionary<string, string> Kinds { get; init; } = new Dictionary<string, string>();

    public static EvalDataset Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"No dataset folder at {Path.GetFullPath(folder)}.");
        }
        var qrels = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(folder, "qrels.tsv")).Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            var parts = line.Split('\t');
            if (parts.Length != 3 || !int.TryParse(parts[2], out var grade))
            {
                throw new InvalidDataException($"Bad qrels line: '{line}'.");
            }
            if (!qrels.TryGetValue(parts[0], out var judged))
            {
                qrels[parts[0]] = judged = new Dictionary<string, int>(StringComparer.Ordinal);
            }
            judged[parts[1]] = grade;
        }
        return new EvalDataset
        {
            Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))),
            Offerings = ReadLines<EvalOffering>(Path.Combine(folder, "offerings.jsonl")),
            Demands = ReadLines<EvalDemand>(Path.Combine(folder, "demands.jsonl")),
            Qrels = qrels.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, int>)kv.Value, StringComparer.Ordinal),
            Kinds = ReadKinds(Path.Combine(folder, "kinds.tsv")),
        };
    }

    private static Dictionary<string, string> ReadKinds(string path) =>
        !File.Exists(path) ? new Dictionary<string, string>()
        : File.ReadLines(path)
            .Select(l => l.Split('\t'))
            .Where(p => p.Length == 2 && p[0] != "item")
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);

    private static T[] ReadLines<T>(string path) =>
        File.ReadLines(path)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonSerializer.Deserialize<T>(l, Json) ?? throw new InvalidDataException($"Empty line in {path}."))
            .ToArray();
}
