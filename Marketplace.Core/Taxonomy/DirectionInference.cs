namespace Marketplace.Core.Taxonomy;

/// <summary>A direction (and, when one stands out, its technology item) inferred from a text.</summary>
/// <param name="Confidence">0..1: how strongly and how exclusively the text points to this direction.</param>
/// <param name="MatchedTerms">The terms of the text that count for this direction, as written in the text.</param>
public sealed record InferredDirection(string DirectionCode, string? SubDirectionCode, double Confidence, IReadOnlyList<string> MatchedTerms);

/// <summary>
/// Infers the priority directions a free text (a demand or an offering) belongs to, from the names,
/// aliases and problem phrases of the taxonomy found in it. A term counts once however often it occurs,
/// and weighs less the more directions (or items) share it; industry nouns in a direction's aliases
/// (涂料, 榨菜, 铝型材) are a weaker hint than the items' own words.
/// </summary>
public sealed class DirectionInference
{
    /// <summary>Weight of an item's name or alias found in the text.</summary>
    private const double AliasWeight = 1.0;

    /// <summary>Weight of an item's problem phrase (a symptom) found in the text.</summary>
    private const double ProblemWeight = 0.6;

    /// <summary>Weight of a direction's name or industry alias found in the text.</summary>
    private const double DirectionAliasWeight = 0.5;

    /// <summary>Share of a direction's evidence that does not point at its best item.</summary>
    private const double ScatteredEvidenceWeight = 0.35;

    /// <summary>A direction scoring less than this is not returned.</summary>
    private const double MinScore = 0.4;

    /// <summary>A direction scoring less than this share of the best one is not returned.</summary>
    private const double MinShareOfBest = 0.35;

    /// <summary>At most this many directions are returned.</summary>
    public const int MaxResults = 3;

    /// <summary>One way a term points into the taxonomy: a direction, maybe an item of it, and a weight.</summary>
    private readonly record struct Posting(int Direction, int Item, double Weight);

    /// <summary>Per term: its postings, and how many directions and items share it.</summary>
    private sealed record TermInfo(Posting[] Postings, int DirectionCount, int ItemCount, double LengthFactor);

    private readonly TermMatcher _matcher = new();
    private readonly TermInfo[] _terms;
    private readonly string[] _directionCodes;
    private readonly string[] _itemCodes;

    public DirectionInference(TaxonomyCatalog taxonomy)
    {
        var postings = new List<Dictionary<(int, int), double>>();
        _directionCodes = taxonomy.Directions.Select(d => d.Code).ToArray();
        var items = new List<string>();

        void Post(string term, int direction, int item, double weight)
        {
            term = term.Trim();
            if (term.Length < 2)
            {
                return;
            }
            var id = _matcher.Add(term);
            while (postings.Count <= id)
            {
                postings.Add([]);
            }
            var key = (direction, item);
            postings[id][key] = Math.Max(postings[id].GetValueOrDefault(key), weight);
        }

        for (var d = 0; d < taxonomy.Directions.Count; d++)
        {
            var direction = taxonomy.Directions[d];
            foreach (var alias in direction.Aliases.Prepend(direction.Name))
            {
                Post(alias, d, -1, DirectionAliasWeight);
            }
            foreach (var sub in direction.SubDirections)
            {
                var item = items.Count;
                items.Add(sub.Code);
                foreach (var alias in sub.Aliases.Prepend(sub.Name))
                {
                    Post(alias, d, item, AliasWeight);
                }
                foreach (var problem in sub.Problems)
                {
                    Post(problem, d, item, ProblemWeight);
                }
            }
        }
        _itemCodes = items.ToArray();
        _terms = postings.Select((p, id) => new TermInfo(
            p.Select(kv => new Posting(kv.Key.Item1, kv.Key.Item2, kv.Value)).ToArray(),
            p.Keys.Select(k => k.Item1).Distinct().Count(),
            Math.Max(1, p.Keys.Where(k => k.Item2 >= 0).Select(k => k.Item2).Distinct().Count()),
            LengthFactor(_matcher.Terms[id]))).ToArray();
    }

    public static DirectionInference Default { get; } = new(TaxonomyCatalog.Default);

    /// <summary>The directions <paramref name="text"/> belongs to, best first; empty when nothing fits.</summary>
    public IReadOnlyList<InferredDirection> Infer(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var matches = new List<TermMatch>();
        _matcher.FindAll(text, matches);
        if (matches.Count == 0)
        {
            return [];
        }

        // Per direction: all its evidence, the part from its industry nouns, and per item the evidence for
        // that item (for the direction score) and the same divided among the items sharing a term (to pick one).
        var directionTotals = new double[_directionCodes.Length];
        var directionAliasHits = new double[_directionCodes.Length];
        var itemEvidence = new Dictionary<int, (int Direction, double Score)>();
        var itemScores = new Dictionary<int, double>();
        var matchedTerms = new List<string>?[_directionCodes.Length];
        var seen = new HashSet<int>();
        foreach (var match in matches)
        {
            if (!seen.Add(match.TermId))
            {
                continue;
            }
            var info = _terms[match.TermId];
            var bestPerDirection = new Dictionary<int, double>();
            foreach (var posting in info.Postings)
            {
                bestPerDirection[posting.Direction] = Math.Max(bestPerDirection.GetValueOrDefault(posting.Direction), posting.Weight);
                var contribution = posting.Weight * info.LengthFactor / info.DirectionCount;
                if (posting.Item >= 0)
                {
                    itemScores[posting.Item] = itemScores.GetValueOrDefault(posting.Item)
                        + posting.Weight * info.LengthFactor / info.ItemCount;
                    itemEvidence[posting.Item] = (posting.Direction, itemEvidence.GetValueOrDefault(posting.Item).Score + contribution);
                }
                else
                {
                    directionAliasHits[posting.Direction] += contribution;
                }
            }
            foreach (var (direction, weight) in bestPerDirection)
            {
                directionTotals[direction] += weight * info.LengthFactor / info.DirectionCount;
                (matchedTerms[direction] ??= []).Add(text.Substring(match.Start, match.Length));
            }
        }

        // Evidence that converges on one item counts in full; scattered hits on other items of the same
        // direction count for less, so a broad direction (general) does not win on many vague words.
        var directionScores = new double[_directionCodes.Length];
        foreach (var (_, (direction, score)) in itemEvidence)
        {
            directionScores[direction] = Math.Max(directionScores[direction], score);
        }
        for (var d = 0; d < directionScores.Length; d++)
        {
            var focused = directionScores[d] + directionAliasHits[d];
            directionScores[d] = focused + ScatteredEvidenceWeight * Math.Max(0, directionTotals[d] - focused);
        }

        var best = directionScores.Max();
        if (best < MinScore)
        {
            return [];
        }
        var total = directionScores.Sum();
        return Enumerable.Range(0, _directionCodes.Length)
            .Where(d => directionScores[d] >= MinScore && directionScores[d] >= MinShareOfBest * best)
            .OrderByDescending(d => directionScores[d])
            .Take(MaxResults)
            .Select(d => new InferredDirection(
                _directionCodes[d],
                BestItem(d, itemScores),
                Math.Round(Confidence(directionScores[d], total), 3),
                matchedTerms[d]!))
            .ToArray();
    }

    /// <summary>
    /// Where <paramref name="text"/> speaks of the enterprise's industry rather than of a function: the directions'
    /// industry nouns (涂料, 榨菜, 铝型材, 齿轮) that are no technology item's name, alias or problem, and runs of two or
    /// more characters the text shares with the enterprise's declared <paramref name="industry"/> that are not part of
    /// an item's term. As (start, length) in the text, in order, not overlapping.
    /// </summary>
    public IReadOnlyList<(int Start, int Length)> IndustrySpans(string text, string? industry)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var matches = new List<TermMatch>();
        _matcher.FindAll(text, matches);
        var spans = new List<(int Start, int Length)>();
        var itemTerm = new bool[text.Length];
        foreach (var match in matches)
        {
            var postings = _terms[match.TermId].Postings;
            if (postings.All(p => p.Item < 0 && _directionCodes[p.Direction] != GeneralDirection))
            {
                spans.Add((match.Start, match.Length));
            }
            else if (postings.Any(p => p.Item >= 0))
            {
                Array.Fill(itemTerm, true, match.Start, match.Length);
            }
        }
        if (!string.IsNullOrWhiteSpace(industry))
        {
            var taken = new bool[text.Length];
            foreach (var (start, length) in spans)
            {
                Array.Fill(taken, true, start, length);
            }
            var i = 0;
            while (i < text.Length - 1)
            {
                var length = 0;
                while (i + length < text.Length && industry.Contains(text.AsSpan(i, length + 1), StringComparison.Ordinal))
                {
                    length++;
                }
                if (length >= 2 && !itemTerm.AsSpan(i, length).Contains(true) && !taken.AsSpan(i, length).Contains(true))
                {
                    spans.Add((i, length));
                    i += length;
                }
                else
                {
                    i++;
                }
            }
        }
        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        return spans;
    }

    private const string GeneralDirection = TaxonomyCatalog.GeneralDirectionCode;

    /// <summary>Saturates with the evidence and is shared out between competing directions.</summary>
    private static double Confidence(double score, double total) => (1 - Math.Exp(-score)) * (score / total);

    private string? BestItem(int direction, Dictionary<int, double> itemScores)
    {
        var prefix = _directionCodes[direction] + ".";
        var candidates = itemScores
            .Where(kv => _itemCodes[kv.Key].StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => kv.Key)
            .ToArray();
        if (candidates.Length == 0 || candidates[0].Value < 0.3)
        {
            return null;
        }
        return _itemCodes[candidates[0].Key];
    }

    /// <summary>Short Chinese terms are more often accidental; Latin acronyms (MES, AGV) are specific.</summary>
    private static double LengthFactor(string term)
    {
        if (term.All(c => c < 128))
        {
            return 1.0;
        }
        return term.Length switch
        {
            <= 2 => 0.75,
            3 => 0.9,
            _ => 1.0,
        };
    }
}
