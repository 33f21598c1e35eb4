using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;

namespace Marketplace.Search.Lucene;

/// <summary>A query term as the user (or the thesaurus) wrote it, and as analysis folded it.</summary>
internal sealed record QueryTerm(string Display, string Folded, float Weight);

/// <param name="MatchesAll">Every live offering matches (blank text; boost terms only rank).</param>
internal sealed record TextQuery(Query Query, IReadOnlyList<QueryTerm> Terms, bool MatchesAll);

/// <summary>
/// Builds the relevance query from tokens, never through a query parser, so no user text can throw:
/// each word of the text, each thesaurus expansion and each boost term becomes one SHOULD clause,
/// a best-of over every text field (title ×3, keywords ×2, summary ×1.5, description, cases,
/// supplier), in both its jieba-word form and its bigram form (a phrase when it has several tokens).
/// </summary>
internal sealed class OfferingQueryBuilder(Analyzer analyzer, Thesaurus thesaurus)
{
    public const int MaxTextLength = 200;
    private const int MaxTermsPerSource = 32;
    private const int MaxTermLength = 50;
    private const float BigramWeight = 0.5f;

    /// <summary>
    /// Off by default (1.0): at 100k synthetic offerings a share of 0.1 saved only ~10 % CPU but dropped ~38 % of
    /// the matching documents, which the 60-offering evaluation sets cannot judge. <c>MARKETPLACE_COMMON_TERM_SHARE</c>
    /// turns it on for experiments. When on, a one-word term in more than this share of the documents' bodies is searched in the title, keywords and
    /// summary only: in the long fields it matches most of the index, costs a scorer over most of the corpus and,
    /// with its low idf, hardly moves the ranking.
    /// </summary>
    internal static double CommonTermShare = ReadShare();

    /// <summary>Below this many documents every term keeps every form (cost is no concern, recall is).</summary>
    internal const int MinDocsForCommonTerms = 1_000;

    private static double ReadShare() =>
        double.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_COMMON_TERM_SHARE"), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 1.0;

    public TextQuery Build(string? text, IReadOnlyList<WeightedTerm> boostTerms, IndexReader? reader = null)
    {
        var raw = TextFolding.Truncate(text ?? "", MaxTextLength);
        var folded = TextFolding.Fold(raw);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        var textTerms = JiebaSegmentation.Segment(folded)
            .Where(s => !StopWords.Chinese.Contains(s.Text))
            .Select(s => new QueryTerm(raw[s.Start..s.End], s.Text, WordWeight(s.Text)))
            .Where(t => seen.Add(t.Folded))
            .Take(MaxTermsPerSource)
            .ToList();
        var expansions = textTerms.Count == 0
            ? []
            : thesaurus.Expand(folded).Select(ToTerm).OfType<QueryTerm>().Where(t => seen.Add(t.Folded)).Take(MaxTermsPerSource).ToList();
        var boosts = boostTerms.Select(ToTerm).OfType<QueryTerm>().Where(t => seen.Add(t.Folded)).Take(MaxTermsPerSource).ToList();

        var query = new BooleanQuery();
        if (textTerms.Count == 0)
        {
            query.Add(new MatchAllDocsQuery(), Occur.MUST); // blank text: everything, boosts only rank
        }
        var terms = textTerms.Concat(expansions).Concat(boosts).ToList();
        // Terms that analyze to the same tokens (MES / mes系统 spelled apart, an expansion equal to a word of the text)
        // are one clause, at the highest weight: the same scorers iterated once.
        var clauses = new Dictionary<string, (List<AnalyzedToken> Words, List<AnalyzedToken> Bigrams, float Weight)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var term in terms)
        {
            var words = OfferingAnalysis.Analyze(analyzer, "title" + OfferingAnalysis.WordSuffix, term.Folded);
            var bigrams = OfferingAnalysis.Analyze(analyzer, "title" + OfferingAnalysis.BigramSuffix, term.Folded);
            if (words.Count == 0 && bigrams.Count == 0)
            {
                continue;
            }
            var key = string.Join('\u0001', words.Select(w => w.Term + "@" + w.Position)) + "\u0002" + string.Join('\u0001', bigrams.Select(b => b.Term + "@" + b.Position));
            if (clauses.TryGetValue(key, out var existing))
            {
                clauses[key] = existing with { Weight = Math.Max(existing.Weight, term.Weight) };
            }
            else
            {
                clauses[key] = (words, bigrams, term.Weight);
                order.Add(key);
            }
        }
        var common = order.Select(k => reader is not null && reader.MaxDoc >= MinDocsForCommonTerms && IsCommon(reader, clauses[k].Words)).ToArray();
        var anySelective = common.Any(c => !c);
        for (var i = 0; i < order.Count; i++)
        {
            var (words, bigrams, weight) = clauses[order[i]];
            // Only beside a selective term: a query of common words alone keeps every form (its recall is all it has).
            query.Add(Clause(words, bigrams, weight, common[i] && anySelective), Occur.SHOULD);
        }
        if (query.Clauses.Count == 0)
        {
            query.Add(new MatchAllDocsQuery(), Occur.MUST);
        }
        return new TextQuery(query, terms, query.Clauses.Any(c => c.Occur == Occur.MUST && c.Query is MatchAllDocsQuery));
    }

    /// <summary>
    /// A lone Chinese character in colloquial text is mostly a light verb, measure word or particle
    /// (要、多、干、上、好、送) that matches everywhere; it counts for little next to real words.
    /// </summary>
    internal const float SingleCharacterWeight = 0.2f;

    private static float WordWeight(string word) =>
        word.Length == 1 && word[0] >= 0x3400 ? SingleCharacterWeight : 1f;

    private static QueryTerm? ToTerm(WeightedTerm term)
    {
        if (string.IsNullOrWhiteSpace(term.Term) || !float.IsFinite(term.Weight) || term.Weight <= 0)
        {
            return null;
        }
        var display = TextFolding.Truncate(term.Term, MaxTermLength);
        return new QueryTerm(display, TextFolding.Fold(display), Math.Min(term.Weight, 10f));
    }

    /// <summary>
    /// A term jieba keeps as one word is found through the word fields; of its bigram forms only the title's is kept
    /// (recall when a title is segmented differently). The all-fields bigram phrase, a positional scorer over most of
    /// the corpus, stays for terms jieba splits into several words (out-of-vocabulary), where it is the fallback.
    /// </summary>
    internal static bool SkipAllBigrams = Environment.GetEnvironmentVariable("MARKETPLACE_SKIP_ALLB") != "0";

    internal static bool SkipTitleBigrams = Environment.GetEnvironmentVariable("MARKETPLACE_SKIP_TITLEB") == "1";

    private static bool IsCommon(IndexReader reader, List<AnalyzedToken> words) =>
        words.Count == 1
        && reader.MaxDoc > 0
        && reader.DocFreq(new Term(OfferingFields.Body + OfferingAnalysis.WordSuffix, words[0].Term)) > CommonTermShare * reader.MaxDoc;

    private static Query Clause(List<AnalyzedToken> words, List<AnalyzedToken> bigrams, float weight, bool common)
    {
        var best = new DisjunctionMaxQuery(0.1f) { Boost = weight };
        if (words.Count > 0)
        {
            foreach (var (field, boost) in OfferingFields.Text)
            {
                if (common && field == OfferingFields.Body)
                {
                    continue;
                }
                best.Add(TokensQuery(field + OfferingAnalysis.WordSuffix, words, boost));
            }
        }
        if (bigrams.Count > 0 && !common)
        {
            foreach (var (field, boost) in OfferingFields.Bigrams)
            {
                if (words.Count == 1 && bigrams.Count > 1 && (field == OfferingFields.Bigrams[0].Name ? SkipTitleBigrams : SkipAllBigrams))
                {
                    continue;
                }
                best.Add(TokensQuery(field, bigrams, boost * BigramWeight));
            }
        }
        return best;
    }

    private static Query TokensQuery(string field, List<AnalyzedToken> tokens, float boost)
    {
        if (tokens.Count == 1)
        {
            return new TermQuery(new Term(field, tokens[0].Term)) { Boost = boost };
        }
        // A phrase's idf is the sum of its terms' and TF-IDF squares it: scale back to one average term,
        // so that a long bigram phrase does not outweigh an exact word match.
        var phrase = new PhraseQuery { Boost = boost / (tokens.Count * tokens.Count) };
        foreach (var token in tokens)
        {
            phrase.Add(new Term(field, token.Term), token.Position);
        }
        return phrase;
    }
}
