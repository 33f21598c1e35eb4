using Marketplace.Core.Searching;

namespace Marketplace.Core.Taxonomy;

/// <summary>
/// The domain thesaurus, built from the taxonomy: names and aliases of directions and technology
/// items, the problems each item solves, and extra synonym groups. Applied at query time by both
/// search engines, so it is the same whichever engine runs.
/// </summary>
/// <remarks>
/// A name or alias found in a text expands to the other names and aliases of its item and to its
/// synonym rings (<see cref="EquivalentWeight"/>); a problem phrase (a symptom an enterprise writes,
/// e.g. 焊缝 or 心里没底) expands to the names and aliases of the items that solve it
/// (<see cref="ProblemWeight"/>, less when the phrase belongs to several items, more when several
/// phrases of the same item are found). Everything is precomputed; <see cref="Expand"/> is one trie scan.
/// </remarks>
public sealed class Thesaurus
{
    /// <summary>Weight of a synonym, alias or name of a term found in the text.</summary>
    public const float EquivalentWeight = 0.8f;

    /// <summary>Weight of an item's names and aliases when one of its problem phrases is found.</summary>
    public const float ProblemWeight = 0.5f;

    /// <summary>Upper bound of a problem-derived weight, however many problem phrases of the item are found.</summary>
    public const float MaxProblemWeight = 0.7f;

    /// <summary>A problem phrase shared by more items than this is too vague to expand.</summary>
    private const int MaxItemsPerProblem = 4;

    /// <summary>At most this many related terms are returned (the highest weights).</summary>
    public const int MaxExpansions = 64;

    private readonly record struct Link(int GroupId, float Weight, bool IsProblem);

    private readonly TermMatcher _matcher = new();
    private readonly List<string[]> _groups = [];
    private readonly Link[][] _links;
    private readonly int[][] _groupTermIds;

    public Thesaurus(TaxonomyCatalog taxonomy)
    {
        var links = new List<List<Link>>();

        void AddEquivalents(IEnumerable<string> terms)
        {
            var group = terms.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (group.Length < 2)
            {
                return;
            }
            var groupId = _groups.Count;
            _groups.Add(group);
            foreach (var term in group)
            {
                LinksOf(term).Add(new Link(groupId, EquivalentWeight, false));
            }
        }

        List<Link> LinksOf(string term)
        {
            var id = _matcher.Add(term);
            while (links.Count <= id)
            {
                links.Add([]);
            }
            return links[id];
        }

        foreach (var group in taxonomy.Document.Synonyms)
        {
            AddEquivalents(group);
        }
        // Direction aliases are industry nouns (涂料, 榨菜, 钢结构), not synonyms of each other: they are
        // dictionary terms and feed DirectionInference, but they do not expand.

        var itemsOfProblem = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        foreach (var sub in taxonomy.Directions.SelectMany(d => d.SubDirections))
        {
            var groupId = _groups.Count;
            AddEquivalents(sub.Aliases.Prepend(sub.Name));
            if (_groups.Count == groupId)
            {
                // An item without aliases still gets a group of its own name, for problem links.
                _groups.Add([sub.Name]);
                LinksOf(sub.Name);
            }
            foreach (var problem in sub.Problems.Where(p => p.Trim().Length > 1))
            {
                if (!itemsOfProblem.TryGetValue(problem.Trim(), out var items))
                {
                    itemsOfProblem[problem.Trim()] = items = [];
                }
                if (!items.Contains(groupId))
                {
                    items.Add(groupId);
                }
            }
        }
        foreach (var (problem, items) in itemsOfProblem)
        {
            var list = LinksOf(problem);
            if (items.Count > MaxItemsPerProblem)
            {
                continue;
            }
            var weight = ProblemWeight / MathF.Sqrt(items.Count);
            list.AddRange(items.Select(groupId => new Link(groupId, weight, true)));
        }

        while (links.Count < _matcher.Terms.Count)
        {
            links.Add([]);
        }
        _links = links.Select(l => l.ToArray()).ToArray();
        _groupTermIds = _groups.Select(g => g.Select(_matcher.IdOf).ToArray()).ToArray();

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

    /// <summary>
    /// The thesaurus terms present in <paramref name="text"/>, in text order, each once
    /// (longest match first, no overlaps; as written in the text).
    /// </summary>
    public IReadOnlyList<string> FindTerms(string text)
    {
        var matches = new List<TermMatch>();
        _matcher.FindAll(text, matches);
        var seen = new HashSet<int>();
        var result = new List<string>(matches.Count);
        foreach (var match in matches)
        {
            if (seen.Add(match.TermId))
            {
                result.Add(text.Substring(match.Start, match.Length));
            }
        }
        return result;
    }

    /// <summary>Terms related to those found in <paramref name="text"/>, with weights below 1 (the text itself is not included).</summary>
    public IReadOnlyList<WeightedTerm> Expand(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }
        var matches = new List<TermMatch>();
        _matcher.FindAll(text, matches);
        if (matches.Count == 0)
        {
            return [];
        }

        var found = new HashSet<int>();
        // Per group: the best equivalence weight, and the problem weight with the number of problem hits.
        var groups = new Dictionary<int, (float Equivalent, float Problem, int ProblemHits)>();
        foreach (var match in matches)
        {
            if (!found.Add(match.TermId))
            {
                continue;
            }
            foreach (var link in _links[match.TermId])
            {
                groups.TryGetValue(link.GroupId, out var g);
                groups[link.GroupId] = link.IsProblem
                    ? (g.Equivalent, Math.Max(g.Problem, link.Weight), g.ProblemHits + 1)
                    : (Math.Max(g.Equivalent, link.Weight), g.Problem, g.ProblemHits);
            }
        }

        // Keyed by term id: a term in several groups keeps its best weight and its first spelling.
        var weights = new Dictionary<int, (float Weight, string Term)>();
        foreach (var (groupId, g) in groups)
        {
            var problem = g.ProblemHits == 0 ? 0f : Math.Min(MaxProblemWeight, g.Problem * (1f + 0.2f * (g.ProblemHits - 1)));
            var weight = Math.Max(g.Equivalent, problem);
            var terms = _groups[groupId];
            var ids = _groupTermIds[groupId];
            for (var i = 0; i < terms.Length; i++)
            {
                if (found.Contains(ids[i]))
                {
                    continue;
                }
                if (!weights.TryGetValue(ids[i], out var existing) || existing.Weight < weight)
                {
                    weights[ids[i]] = (weight, terms[i]);
                }
            }
        }
        var result = new KeyValuePair<int, (float Weight, string Term)>[weights.Count];
        ((ICollection<KeyValuePair<int, (float Weight, string Term)>>)weights).CopyTo(result, 0);
        Array.Sort(result, static (a, b) => a.Value.Weight != b.Value.Weight ? b.Value.Weight.CompareTo(a.Value.Weight) : a.Key.CompareTo(b.Key));
        var count = Math.Min(MaxExpansions, result.Length);
        var expansions = new WeightedTerm[count];
        for (var i = 0; i < count; i++)
        {
            expansions[i] = new WeightedTerm(result[i].Value.Term, result[i].Value.Weight);
        }
        return expansions;
    }
}
