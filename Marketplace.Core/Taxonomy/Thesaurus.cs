using Marketplace.Core.Searching;

namespace Marketplace.Core.Taxonomy;

/// <summary>
/// The domain thesaurus, built from the taxonomy: names and aliases of directions and technology
/// items, the problems each item solves, and extra synonym groups. Applied at query time by both
/// search engines, so it is the same whichever engine runs.
/// </summary>
public sealed class Thesaurus
{
    private readonly Dictionary<string, List<string>> _related = new(StringComparer.OrdinalIgnoreCase);

    public Thesaurus(TaxonomyCatalog taxonomy)
    {
        foreach (var group in taxonomy.Document.Synonyms)
        {
            foreach (var term in group)
            {
                if (!_related.TryGetValue(term, out var list))
                {
                    _related[term] = list = [];
                }
                list.AddRange(group.Where(t => !string.Equals(t, term, StringComparison.OrdinalIgnoreCase)));
            }
        }
        DictionaryTerms = taxonomy.Directions
            .SelectMany(d => d.Aliases.Append(d.Name).Concat(d.SubDirections.SelectMany(s => s.Aliases.Append(s.Name).Concat(s.Problems))))
            .Concat(taxonomy.Document.Synonyms.SelectMany(g => g))
            .Where(t => t.Length > 1)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    public static Thesaurus Default { get; } = new(TaxonomyCatalog.Default);

    /// <summary>Every domain term, for segmenters' custom dictionaries (keeps 弧焊机器人, 制造执行系统 whole).</summary>
    public IReadOnlyCollection<string> DictionaryTerms { get; }

    /// <summary>Terms related to those found in <paramref name="text"/>, with weights below 1 (the text itself is not included).</summary>
    public IReadOnlyList<WeightedTerm> Expand(string text)
    {
        var result = new List<WeightedTerm>();
        foreach (var (term, related) in _related)
        {
            if (text.Contains(term, StringComparison.OrdinalIgnoreCase))
            {
                result.AddRange(related.Select(r => new WeightedTerm(r, 0.7f)));
            }
        }
        return result.DistinctBy(t => t.Term).ToArray();
    }
}
