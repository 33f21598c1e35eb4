using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Util.Automaton;
using Marketplace.Search.Analysis;

namespace Marketplace.Search.Lucene;

/// <summary>
/// A search for one Chinese character alone (泵、阀、焊). The bigram fields hold a Han run of two or more characters as its
/// bigrams only, so the character's own term matches where it stands alone and nowhere else: 焊 found nothing although
/// offerings wrote 焊接 and 弧焊. Here the character's clause also takes the bigrams that contain it, the most frequent
/// first (as Elasticsearch finds it through its standard subfield, one token per character).
/// </summary>
internal static class SingleCharacterSearch
{
    /// <summary>Bigrams a character's clause takes at most (a common character such as 电 is in hundreds).</summary>
    internal const int MaxBigrams = 128;

    /// <summary>Characters whose bigrams are remembered per reader (a few tens of kilobytes each); others are looked up each time.</summary>
    private const int MaxRememberedCharacters = 256;

    private static readonly ConditionalWeakTable<IndexReader, ConcurrentDictionary<char, ScoringLeaf[]>> LeavesByReader = [];

    /// <summary>The query with the lone character's clause widened to its bigrams; the same query for any other text.</summary>
    public static TextQuery Widen(TextQuery query, string? text, IndexReader reader)
    {
        if (QueryTerms.LoneCharacter(text) is not { } character)
        {
            return query;
        }
        var own = character.ToString();
        var at = query.Plan.Clauses.ToList().FindIndex(c => c.Term is { } term && TextFolding.Fold(term) == own);
        if (at < 0)
        {
            return query;
        }
        var remembered = LeavesByReader.GetValue(reader, _ => new());
        var extra = remembered.TryGetValue(character, out var known) ? known
            : remembered.Count < MaxRememberedCharacters ? remembered.GetOrAdd(character, c => Leaves(reader, c))
            : Leaves(reader, character);
        if (extra.Length == 0)
        {
            return query;
        }
        var clauses = query.Plan.Clauses.ToArray();
        // A new clause, not `with`: its postings are cached by the key computed from its leaves.
        clauses[at] = new ScoringClause(clauses[at].Boost, [.. clauses[at].Leaves, .. extra]) { Term = clauses[at].Term };
        return query with { Plan = query.Plan with { Clauses = clauses } };
    }

    private static ScoringLeaf[] Leaves(IndexReader reader, char character)
    {
        var containing = BasicOperations.Union(
            BasicOperations.Concatenate(BasicAutomata.MakeChar(character), BasicAutomata.MakeAnyChar()),
            BasicOperations.Concatenate(BasicAutomata.MakeAnyChar(), BasicAutomata.MakeChar(character)));
        var compiled = new CompiledAutomaton(containing);
        var leaves = new List<ScoringLeaf>();
        foreach (var (field, boost) in OfferingFields.Bigrams)
        {
            if (MultiFields.GetTerms(reader, field) is not { } terms)
            {
                continue;
            }
            var found = new List<(string Term, int DocFreq)>();
            var matching = compiled.GetTermsEnum(terms);
            while (matching.MoveNext())
            {
                found.Add((matching.Term.Utf8ToString(), matching.DocFreq));
            }
            leaves.AddRange(found.OrderByDescending(t => t.DocFreq).ThenBy(t => t.Term, StringComparer.Ordinal).Take(MaxBigrams)
                .Select(t => new ScoringLeaf(field, [t.Term], [0], boost * OfferingQueryBuilder.BigramWeight)));
        }
        return [.. leaves];
    }
}
