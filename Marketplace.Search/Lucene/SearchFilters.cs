using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The request's filters: per facet the values any of which a document must have (so that a facet's
/// counts can be taken with every filter except its own), and the price and days bounds that always
/// apply. Live documents only, always. Evaluated per segment as bit sets by <see cref="RequestFilter"/>.
/// </summary>
internal sealed class SearchFilters
{
    private const int MaxValuesPerFilter = 100;
    private readonly List<FacetFilter> _facetFilters = [];

    public SearchFilters(OfferingSearchRequest request)
    {
        AddAnyOf(FacetNames.Direction, request.Directions);
        AddAnyOf(FacetNames.SubDirection, request.SubDirections);
        AddAnyOf(FacetNames.Type, request.Type is null ? [] : [request.Type]);
        AddAnyOf(FacetNames.Deployment, request.Deployment is null ? [] : [request.Deployment]);
        AddAnyOf(FacetNames.District, string.IsNullOrWhiteSpace(request.District) ? [] : [request.District, TaxonomyCatalog.WholeCityName]);
        MaxPriceYuan = request.MaxPriceYuan;
        MaxDays = request.MaxDays;
    }

    /// <summary>Facet filters in <see cref="FacetNames.All"/> order.</summary>
    public IReadOnlyList<FacetFilter> FacetFilters => _facetFilters;

    /// <summary>Keeps documents whose minimum price is at most this.</summary>
    public long? MaxPriceYuan { get; }

    /// <summary>Keeps documents whose implementation days are at most this.</summary>
    public int? MaxDays { get; }

    /// <summary>The filters as a string: equal for requests that select the same documents.</summary>
    public string Signature => string.Join('|', _facetFilters.Select(f => f.Facet + "=" + string.Join('\u0001', f.Values)))
        + $"|price<={MaxPriceYuan}|days<={MaxDays}";

    public bool Has(string facet) => _facetFilters.Exists(f => f.Facet == facet);

    private void AddAnyOf(string facet, IEnumerable<string> values)
    {
        var distinct = values.Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).Take(MaxValuesPerFilter).ToArray();
        if (distinct.Length > 0)
        {
            _facetFilters.Add(new FacetFilter(facet, distinct));
        }
    }
}

/// <summary>A document passes when it has any of <paramref name="Values"/> in the facet's field.</summary>
internal sealed record FacetFilter(string Facet, string[] Values);
