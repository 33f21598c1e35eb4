using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The request's filters as Lucene queries, kept per facet so that a facet's counts can be taken
/// with every filter except its own. Live documents only, always.
/// </summary>
internal sealed class SearchFilters
{
    private const int MaxValuesPerFilter = 100;
    private readonly Dictionary<string, Query> _facetFilters = new(StringComparer.Ordinal);
    private readonly List<Query> _always = [];

    public SearchFilters(OfferingSearchRequest request)
    {
        AddAnyOf(FacetNames.Direction, request.Directions);
        AddAnyOf(FacetNames.SubDirection, request.SubDirections);
        AddAnyOf(FacetNames.Type, request.Type is null ? [] : [request.Type]);
        AddAnyOf(FacetNames.Deployment, request.Deployment is null ? [] : [request.Deployment]);
        AddAnyOf(FacetNames.District, string.IsNullOrWhiteSpace(request.District) ? [] : [request.District, TaxonomyCatalog.WholeCityName]);
        if (request.MaxPriceYuan is { } price)
        {
            _always.Add(NumericRangeQuery.NewInt64Range(OfferingFields.PriceMin, null, price, true, true));
        }
        if (request.MaxDays is { } days)
        {
            _always.Add(NumericRangeQuery.NewInt32Range(OfferingFields.Days, null, days, true, true));
        }
    }

    public bool Has(string facet) => _facetFilters.ContainsKey(facet);

    public Query Apply(Query query, string? except)
    {
        var live = new FilteredQuery(query, LiveOnlyFilter.Instance);
        if (_always.Count == 0 && (_facetFilters.Count == 0 || (_facetFilters.Count == 1 && _facetFilters.ContainsKey(except ?? ""))))
        {
            return live;
        }
        var filter = new BooleanQuery();
        foreach (var clause in _always)
        {
            filter.Add(clause, Occur.MUST);
        }
        foreach (var (facet, clause) in _facetFilters)
        {
            if (facet != except)
            {
                filter.Add(clause, Occur.MUST);
            }
        }
        return new FilteredQuery(live, new QueryWrapperFilter(filter));
    }

    private void AddAnyOf(string facet, IEnumerable<string> values)
    {
        var distinct = values.Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).Take(MaxValuesPerFilter).ToList();
        if (distinct.Count == 0)
        {
            return;
        }
        var any = new BooleanQuery();
        foreach (var value in distinct)
        {
            any.Add(new TermQuery(new Term(facet, value)), Occur.SHOULD);
        }
        _facetFilters[facet] = any;
    }
}
