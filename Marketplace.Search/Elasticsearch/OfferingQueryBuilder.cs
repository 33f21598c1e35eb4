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
/// Text relevance: a <c>cross_fields</c> multi_match over the cjk fields, an exact-phrase
/// multi_match over the <c>std</c> subfields, and one phrase clause per thesaurus expansion and
/// boost term (boost = weight), all ORed. Facet filters go to <c>post_filter</c>; each facet is a
/// filter aggregation applying every other facet filter (multi-select faceting). The live flag,
/// price and duration filters restrict hits and facet counts alike.
/// </summary>
internal static class OfferingQueryBuilder
{
    public const int FacetSize = 200;
    public const string TermsAggregationName = "values";
    public const string TextQueryName = "text";
    public const string TextPhraseQueryName = "text.phrase";
    public const string TermQueryPrefix = "term:";
    public const string AllCity = "全市";
    public const int FragmentSize = 80;

    public static SearchRequest Build(string index, OfferingSearchRequest request, Thesaurus thesaurus)
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
        // Text of only stop words or symbols lists everything, as on the embedded engine (cjk would match 的 everywhere).
        var text = QueryWords.Any(request.Text) ? request.Text!.Trim() : null;
        var terms = WeightedTerms(text, request.BoostTerms, thesaurus);
        var facetFilters = FacetFilters(request);

        var search = new SearchRequest(index)
        {
            Query = MainQuery(text, terms, request),
            Sort = Sort(request.Sort),
            Size = request.Limit,
            TrackTotalHits = true,
            TrackScores = request.Sort != SearchSort.Relevance && (text is not null || terms.Count > 0) ? true : null,
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
        if (request.Highlight && (text is not null || terms.Count > 0))
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

    /// <summary>
    /// The words the text's parts make across a space (<see cref="QueryWords.AcrossSpaces"/>), the sub-words of its long words
    /// (<see cref="QueryWords.SubWords"/>), its thesaurus expansions and the caller's boost
    /// terms, deduplicated (highest weight wins), positive weights only.
    /// </summary>
    private static IReadOnlyList<WeightedTerm> WeightedTerms(string? text, IReadOnlyList<WeightedTerm> boostTerms, Thesaurus thesaurus)
    {
        var expansions = text is null ? [] : thesaurus.Expand(text);
        var folded = text is null ? "" : TextFolding.Fold(text);
        var joined = QueryWords.AcrossSpaces(folded).Select(w => new WeightedTerm(w, QueryWords.JoinedWordWeight));
        var subWords = text is null ? [] : QueryWords.SubWords(text, QueryWords.Of(folded))
            .Select(s => new WeightedTerm(s.Text, QueryWords.SubWordWeight));
        return joined.Concat(subWords).Concat(expansions).Concat(boostTerms)
            .Where(t => !string.IsNullOrWhiteSpace(t.Term) && float.IsFinite(t.Weight) && t.Weight > 0)
            .Select(t => t with { Term = t.Term.Trim() })
            .Where(t => text is null || !string.Equals(t.Term, text, StringComparison.OrdinalIgnoreCase))
            .GroupBy(t => t.Term, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.MaxBy(t => t.Weight)!)
            .ToArray();
    }

    private static Query MainQuery(string? text, IReadOnlyList<WeightedTerm> terms, OfferingSearchRequest request)
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

        var should = new List<Query>();
        if (text is not null)
        {
            should.Add(new MultiMatchQuery(text)
            {
                Fields = F.TextFields.Select(f => new Field(f.Field, f.Boost)).ToArray(),
                Type = TextQueryType.CrossFields,
                // Short queries need every bigram; longer ones most of them.
                MinimumShouldMatch = "2<75%",
                QueryName = TextQueryName,
            });
            should.Add(new MultiMatchQuery(text)
            {
                Fields = F.TextFields.Select(f => new Field($"{f.Field}.{F.StandardSubfield}", f.Boost)).ToArray(),
                Type = TextQueryType.Phrase,
                QueryName = TextPhraseQueryName,
            });
        }
        foreach (var term in terms)
        {
            should.Add(new MultiMatchQuery(term.Term)
            {
                Fields = F.TextFields.Select(f => new Field(f.Field, f.Boost)).ToArray(),
                Type = TextQueryType.Phrase,
                Boost = term.Weight,
                QueryName = TermQueryPrefix + term.Term,
            });
        }

        return text is null
            ? new BoolQuery { Must = [new MatchAllQuery()], Should = should.Count > 0 ? should : null, Filter = filters }
            : new BoolQuery { Should = should, MinimumShouldMatch = 1, Filter = filters };
    }

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
