using System.Collections.Concurrent;
using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;

namespace Marketplace.Search.Lucene;

internal sealed record TextQuery(ScoringPlan Plan, IReadOnlyList<QueryTerm> Terms)
{
    /// <summary>Every live offering matches (blank text; boost terms only rank).</summary>
    public bool MatchesAll => Plan.MatchesAll;
}

/// <summary>
/// Builds the relevance query from tokens, never through a query parser, so no user text can throw:
/// each of the search's terms (<see cref="QueryTerms"/>) becomes one SHOULD clause,
/// a best-of over every text field (title ×3, keywords ×2, summary ×1.5, description, cases,
/// supplier), in both its jieba-word form and its bigram form (a phrase when it has several tokens).
/// </summary>
internal sealed class OfferingQueryBuilder(Analyzer analyzer, Thesaurus thesaurus)
{
    internal const float BigramWeight = 0.5f;

    public TextQuery Build(string? text, IReadOnlyList<WeightedTerm> boostTerms)
    {
        var (terms, hasWords) = QueryTerms.Of(text, boostTerms, thesaurus);
        // Terms that analyze to the same tokens (MES / mes系统 spelled apart, an expansion equal to a word of the text)
        // are one clause, at the highest weight: the same postings scored once.
        var scoring = new List<ScoringClause>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            if (ClauseOf(term.Folded) is not { } analyzed)
            {
                continue;
            }
            var clause = analyzed with { Boost = term.Weight, Term = term.Display };
            if (byKey.TryGetValue(clause.Key, out var at))
            {
                scoring[at] = scoring[at] with { Boost = Math.Max(scoring[at].Boost, clause.Boost) };
            }
            else
            {
                byKey[clause.Key] = scoring.Count;
                scoring.Add(clause);
            }
        }
        // Blank text (or text with nothing searchable): everything matches, boosts only rank.
        return new TextQuery(new ScoringPlan(scoring, MatchesAll: !hasWords || scoring.Count == 0), terms);
    }

    /// <summary>The clause a single query term (as a search shows it) is scored by, as <see cref="Build"/> makes it.</summary>
    internal ScoringClause? ClauseForTerm(string term) => ClauseOf(TextFolding.Fold(term)) is { } clause ? clause with { Term = term } : null;

    /// <summary>
    /// The clause of a folded term at weight 1 (null when nothing of it is searchable), remembered for the next searches:
    /// analysing a term is two token streams, and the same words come back in search after search.
    /// </summary>
    private ScoringClause? ClauseOf(string folded)
    {
        if (_recentClauses.TryGetValue(folded, out var known))
        {
            return known;
        }
        if (_olderClauses.TryGetValue(folded, out known))
        {
            Remember(folded, known);
            return known;
        }
        var words = OfferingAnalysis.Analyze(analyzer, "title" + OfferingAnalysis.WordSuffix, folded);
        var bigrams = OfferingAnalysis.Analyze(analyzer, "title" + OfferingAnalysis.BigramSuffix, folded);
        var clause = words.Count == 0 && bigrams.Count == 0 ? null : Clause(words, bigrams, 1f);
        Remember(folded, clause);
        return clause;
    }

    /// <summary>
    /// Keeps a term's clause among the recent ones. When those reach half of <see cref="MaxRememberedTerms"/> they become
    /// the older half and the oldest are forgotten: a term searched again since moved up, so common words stay remembered
    /// however large the vocabulary of the searches (forgetting everything at once made every search after it analyse its
    /// common words again).
    /// </summary>
    private void Remember(string folded, ScoringClause? clause)
    {
        if (_recentClauses.Count >= MaxRememberedTerms / 2)
        {
            lock (_rememberGate)
            {
                if (_recentClauses.Count >= MaxRememberedTerms / 2)
                {
                    _olderClauses = _recentClauses;
                    _recentClauses = new ConcurrentDictionary<string, ScoringClause?>(StringComparer.Ordinal);
                }
            }
        }
        _recentClauses.TryAdd(folded, clause);
    }

    /// <summary>Whether the clause of a term is remembered (tests).</summary>
    internal bool Remembers(string term) => _recentClauses.ContainsKey(TextFolding.Fold(term)) || _olderClauses.ContainsKey(TextFolding.Fold(term));

    /// <summary>Analysed terms kept by <see cref="ClauseOf"/> (a few kilobytes each).</summary>
    internal const int MaxRememberedTerms = 10_000;

    private readonly Lock _rememberGate = new();
    private volatile ConcurrentDictionary<string, ScoringClause?> _recentClauses = new(StringComparer.Ordinal);
    private volatile ConcurrentDictionary<string, ScoringClause?> _olderClauses = new(StringComparer.Ordinal);

    /// <summary>
    /// Word forms in every text field; bigram forms in the title and, for terms jieba splits into several words
    /// (out-of-vocabulary), across all fields. A term jieba keeps as one word is found through the word fields, and the
    /// all-fields bigram phrase — a positional scorer over most of the corpus — would only repeat that at a high cost.
    /// </summary>
    private static ScoringClause Clause(List<AnalyzedToken> words, List<AnalyzedToken> bigrams, float weight)
    {
        var leaves = new List<ScoringLeaf>();
        foreach (var (field, boost) in OfferingFields.Text)
        {
            if (words.Count > 0)
            {
                leaves.Add(Leaf(field + OfferingAnalysis.WordSuffix, words, boost));
            }
        }
        var knownWord = words.Count == 1 && bigrams.Count > 1;
        foreach (var (field, boost) in OfferingFields.Bigrams)
        {
            if (bigrams.Count > 0 && !(knownWord && field != OfferingFields.Bigrams[0].Name))
            {
                leaves.Add(Leaf(field, bigrams, boost * BigramWeight));
            }
        }
        return new ScoringClause(weight, [.. leaves]);
    }

    private static ScoringLeaf Leaf(string field, List<AnalyzedToken> tokens, float boost)
    {
        var terms = new string[tokens.Count];
        var positions = new int[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            (terms[i], positions[i]) = (tokens[i].Term, tokens[i].Position);
        }
        // A phrase's BM25 idf is the sum of its terms': scale back to one average term, so that a long bigram
        // phrase does not outweigh an exact word match.
        return new ScoringLeaf(field, terms, positions, tokens.Count == 1 ? boost : boost / tokens.Count);
    }
}
