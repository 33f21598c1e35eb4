using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using F = Marketplace.Search.Elasticsearch.OfferingIndexMapping;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// Translates an <see cref="OfferingSearchRequest"/> into an Elasticsearch search request.
/// Text relevance, as on the embedded engine: each of the search's terms (<see cref="QueryTerms"/>: the text's words, the
/// words its parts make across a space, sub-words, thesaurus expansions, boost terms) is one SHOULD clause at its weight,
/// any of which may match — a phrase multi_match over the text fields, the best field plus a tenth of the others, named
/// after the term so that a hit says which terms it matched. Facet filters go to <c>post_filter</c>; each facet is a
/// filter aggregation applying every other facet filter (multi-select faceting). The live flag,
/// price and duration filters restrict hits and facet counts alike.
/// </summary>
internal static class OfferingQueryBuilder
{
    public const int FacetSize = 200;
    public const string TermsAggregationName = "values";
    public const string TermQueryPrefix = "term:";
    public const string AllCity = "全市";
    public const int FragmentSize = 80;

    /// <summary>The embedded engine's share of the other fields' scores in a term's clause (<c>tie_breaker</c>).</summary>
    public const double TieBreaker = 0.1;

    /// <summary>The weight of the one-character subfields against the bigram fields, as the embedded engine weighs its bigram forms.</summary>
    public const double CharacterFieldWeight = 0.5;

    public static SearchRequest Build(string index, OfferingSearchRequest request, QueryTermList terms)
    {
        request.CheckPaging();
        if (request.MaxPriceYuan < 0)
        {
            throw new InvalidSearchRequestException("maxPriceYuan", "maxPriceYuan must not be negative.");
        }
        if (request.MaxDays < 0)
        {
            throw new InvalidSearchRequestException("maxDays", "maxDays must not be negative.");
        }

        var searchAfter = request.Cursor is null ? null : SearchCursor.Decode(request.Cursor, request.Sort, request.CursorScope());
        var facetFilters = FacetFilters(request);

        var search = new SearchRequest(index)
        {
            Query = MainQuery(terms, request),
            Sort = Sort(request.Sort),
            Size = request.Limit,
            TrackTotalHits = true,
            TrackScores = request.Sort != SearchSort.Relevance && terms.Terms.Count > 0 ? true : null,
            Preference = PreferenceOf(request),
        };
        if (searchAfter is null)
        {
            search.From = request.Offset;
        }
        else
        {
            search.SearchAfter = [.. searchAfter];
        }
        if (facetFilters.Count > 0)
        {
            search.PostFilter = new BoolQuery { Filter = [.. facetFilters.Values] };
        }
        if (request.IncludeFacets)
        {
            search.Aggregations = FacetAggregations(facetFilters);
        }
        if (request.Highlight && terms.Terms.Count > 0)
        {
            search.Highlight = new Highlight
            {
                PreTags = ["<em>"],
                PostTags = ["</em>"],
                // The text around the tags is the supplier's: escaped, as the embedded engine's snippets (the default encoder leaves markup raw).
                Encoder = HighlighterEncoder.Html,
                FragmentSize = FragmentSize,
                NumberOfFragments = 2,
                Fields =
                [
                    new KeyValuePair<Field, HighlightField>(F.Summary, new HighlightField()),
                    new KeyValuePair<Field, HighlightField>(F.Description, new HighlightField()),
                ],
            };
        }
        return search;
    }

    /// <summary>
    /// The same query (whatever page) goes to the same shard copies: copies differ in deleted documents and merge state, so
    /// their BM25 statistics do, and a page's score cursor applied on another copy could skip or repeat hits.
    /// </summary>
    internal static string PreferenceOf(OfferingSearchRequest request)
    {
        var query = request with { Offset = 0, Limit = 0, Cursor = null, IncludeFacets = false, Highlight = false };
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(query)));
        return "q" + Convert.ToHexString(hash, 0, 8);
    }

    private static Query MainQuery(QueryTermList terms, OfferingSearchRequest request)
    {
        var filters = new List<Query> { new TermQuery(F.Live, true) };
        if (request.MaxPriceYuan is { } maxPrice)
        {
            filters.Add(new LongNumberRangeQuery(F.PriceMinYuan) { Lte = maxPrice });
        }
        if (request.MaxDays is { } maxDays)
        {
            filters.Add(new LongNumberRangeQuery(F.ImplementationDays) { Lte = maxDays });
        }

        var loneCharacter = QueryTerms.LoneCharacter(request.Text);
        var should = terms.Terms.Select(term => (Query)new MultiMatchQuery(term.Folded)
        {
            Fields = term.Folded.Length == 1 && term.Folded[0] == loneCharacter ? CharacterFields : BigramFields,
            Type = TextQueryType.Phrase,
            TieBreaker = TieBreaker,
            Boost = term.Weight,
            QueryName = TermQueryPrefix + term.Display,
        }).ToList();

        // Text of only stop words or symbols lists everything, as on the embedded engine (的 would match nearly everywhere).
        return terms.HasWords
            ? new BoolQuery { Should = should, MinimumShouldMatch = 1, Filter = filters }
            : new BoolQuery { Must = [new MatchAllQuery()], Should = should.Count > 0 ? should : null, Filter = filters };
    }

    private static readonly Field[] BigramFields = F.TextFields.Select(f => new Field(f.Field, f.Boost)).ToArray();

    /// <summary>
    /// A character typed alone (泵、焊) is also looked for inside words, in the subfields of one token per character: the bigram
    /// fields hold it only where it stands alone (the embedded engine widens it to the bigrams that contain it).
    /// </summary>
    private static readonly Field[] CharacterFields =
        [.. BigramFields, .. F.TextFields.Select(f => new Field($"{f.Field}.{F.StandardSubfield}", f.Boost * CharacterFieldWeight))];

    /// <summary>Facet name → its filter, for the facets the request filters on.</summary>
    private static Dictionary<string, Query> FacetFilters(OfferingSearchRequest request)
    {
        var filters = new Dictionary<string, Query>();
        var directions = Clean(request.Directions);
        if (directions.Length > 0)
        {
            filters[FacetNames.Direction] = new TermsQuery(F.Directions, directions);
        }
        var subDirections = Clean(request.SubDirections);
        if (subDirections.Length > 0)
        {
            filters[FacetNames.SubDirection] = new TermsQuery(F.SubDirections, subDirections);
        }
        if (!string.IsNullOrWhiteSpace(request.Type))
        {
            filters[FacetNames.Type] = new TermQuery(F.Type, request.Type.Trim());
        }
        if (!string.IsNullOrWhiteSpace(request.Deployment))
        {
            filters[FacetNames.Deployment] = new TermQuery(F.Deployment, request.Deployment.Trim());
        }
        if (!string.IsNullOrWhiteSpace(request.District))
        {
            var district = request.District.Trim();
            filters[FacetNames.District] = new TermsQuery(F.Districts, district == AllCity ? [AllCity] : new FieldValue[] { district, AllCity });
        }
        return filters;

        static FieldValue[] Clean(IReadOnlyList<string> values) =>
            values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal).Select(v => (FieldValue)v).ToArray();
    }

    public static string FacetField(string facet) => facet switch
    {
        FacetNames.Direction => F.Directions,
        FacetNames.SubDirection => F.SubDirections,
        FacetNames.Type => F.Type,
        FacetNames.Deployment => F.Deployment,
        FacetNames.District => F.Districts,
        _ => throw new ArgumentOutOfRangeException(nameof(facet), facet, "Unknown facet."),
    };

    private static Dictionary<string, Aggregation> FacetAggregations(IReadOnlyDictionary<string, Query> facetFilters)
    {
        var aggregations = new Dictionary<string, Aggregation>();
        foreach (var facet in FacetNames.All)
        {
            var others = facetFilters.Where(f => f.Key != facet).Select(f => f.Value).ToArray();
            aggregations[facet] = new Aggregation
            {
                Filter = others.Length == 0 ? new MatchAllQuery() : new BoolQuery { Filter = others },
                Aggregations = new Dictionary<string, Aggregation>
                {
                    [TermsAggregationName] = new TermsAggregation
                    {
                        Field = FacetField(facet),
                        Size = FacetSize,
                        Order =
                        [
                            new KeyValuePair<Field, SortOrder>("_count", SortOrder.Desc),
                            new KeyValuePair<Field, SortOrder>("_key", SortOrder.Asc),
                        ],
                    },
                },
            };
        }
        return aggregations;
    }

    private static SortOptions[] Sort(SearchSort sort)
    {
        var tieBreak = new FieldSort(F.TieBreak) { Order = SortOrder.Asc };
        return sort switch
        {
            SearchSort.Relevance => [new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } }, tieBreak],
            SearchSort.Newest => [new FieldSort(F.PublishedAt) { Order = SortOrder.Desc }, tieBreak],
            SearchSort.PriceAsc => [new FieldSort(F.PriceMinYuan) { Order = SortOrder.Asc }, tieBreak],
            SearchSort.PriceDesc => [new FieldSort(F.PriceMinYuan) { Order = SortOrder.Desc }, tieBreak],
            _ => throw new InvalidSearchRequestException("sort", $"Unknown sort '{sort}'."),
        };
    }
}
