using System.Text;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Marketplace.Search.Lucene;

/// <summary>One field's form of a query term: a word or bigram (a term), or several bigrams in a row (an exact phrase).</summary>
/// <param name="Terms">The tokens, in order.</param>
/// <param name="Positions">Each token's position relative to the first (gaps where stop words were removed).</param>
internal sealed record ScoringLeaf(string Field, string[] Terms, int[] Positions, float Boost)
{
    /// <summary>Identifies the postings of this leaf in a segment, whatever its boost.</summary>
    public string Key { get; } = KeyOf(Field, Terms, Positions);

    public bool IsPhrase => Terms.Length > 1;

    private static string KeyOf(string field, string[] terms, int[] positions)
    {
        var key = new StringBuilder(field).Append('\u0001');
        for (var i = 0; i < terms.Length; i++)
        {
            key.Append(terms[i]).Append('@').Append(positions[i]).Append('\u0001');
        }
        return key.ToString();
    }

    public Query ToQuery()
    {
        if (!IsPhrase)
        {
            return new TermQuery(new Term(Field, Terms[0])) { Boost = Boost };
        }
        var phrase = new PhraseQuery { Boost = Boost };
        for (var i = 0; i < Terms.Length; i++)
        {
            phrase.Add(new Term(Field, Terms[i]), Positions[i]);
        }
        return phrase;
    }
}

/// <summary>One query term: the best of its field forms plus a tenth of the others, scaled by the term's weight.</summary>
internal sealed record ScoringClause(float Boost, ScoringLeaf[] Leaves)
{
    public const float TieBreaker = 0.1f;

    /// <summary>Identifies the postings of this clause's leaves in a segment, whatever the boosts.</summary>
    public string Key { get; } = string.Join('\u0002', Leaves.Select(l => l.Key));

    /// <summary>The query term the clause was built for, as written (diagnostics).</summary>
    public string? Term { get; init; }

    public Query ToQuery()
    {
        var best = new DisjunctionMaxQuery(TieBreaker) { Boost = Boost };
        foreach (var leaf in Leaves)
        {
            best.Add(leaf.ToQuery());
        }
        return best;
    }
}

/// <summary>
/// The relevance query of a search as data: any clause may match (scores summed, scaled by the share of
/// clauses matched), or, when <see cref="MatchesAll"/>, every document matches and the clauses only rank.
/// <see cref="TextScorer"/> runs it over cached postings; <see cref="ToQuery"/> is the same query for Lucene
/// (the reference the scorer is tested against, and the way blank-text searches run).
/// </summary>
internal sealed record ScoringPlan(IReadOnlyList<ScoringClause> Clauses, bool MatchesAll)
{
    public Query ToQuery()
    {
        var query = new BooleanQuery();
        if (MatchesAll)
        {
            query.Add(new MatchAllDocsQuery(), Occur.MUST);
        }
        foreach (var clause in Clauses)
        {
            query.Add(clause.ToQuery(), Occur.SHOULD);
        }
        return query;
    }
}
