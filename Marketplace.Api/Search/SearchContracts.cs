using Marketplace.Api.Demands;
using Marketplace.Core.Searching;

namespace Marketplace.Api.Search;

/// <summary>One page of search results with facet counts over every match.</summary>
/// <param name="Understanding">
/// What <c>q</c> was understood to ask for, in Chinese, as for a demand item (<c>理解为：仓储管理（扫码、进出库）</c>, or
/// <c>未能从描述中确定所需功能（数字化转型是笼统的说法）</c>), or that <c>q</c> has no word to search by (only stop words or
/// symbols: <c>「的」中没有可检索的词语（只有常用虚词或符号），列出的是全部方案</c>, and every offering is listed); null when <c>q</c>
/// is blank or names no function the taxonomy knows.
/// </param>
/// <param name="UnderstoodItems">The technology items behind <paramref name="Understanding"/>, strongest first: their offerings are found as well.</param>
/// <param name="Page">The page number; a page read through <c>cursor</c> is numbered by where it starts, as if reached with <c>page</c>.</param>
public sealed record SearchResponse(
    long Total,
    int Page,
    int PageSize,
    string? NextCursor,
    IReadOnlyList<SearchItem> Items,
    SearchFacets Facets,
    string? Understanding,
    IReadOnlyList<UnderstoodItemResponse> UnderstoodItems);

/// <summary>A published offering as found by search (its current published revision).</summary>
public sealed record SearchItem(
    Guid Id,
    string Title,
    string Summary,
    string Supplier,
    IReadOnlyList<string> Directions,
    IReadOnlyList<string> SubDirections,
    string Type,
    string Deployment,
    long PriceMinYuan,
    long PriceMaxYuan,
    int ImplementationDays,
    IReadOnlyList<string> Districts,
    double Score,
    IReadOnlyList<string> Highlights)
{
    public static SearchItem From(OfferingHit hit) => new(hit.Id, hit.Title, hit.Summary, hit.SupplierName, hit.Directions, hit.SubDirections,
        hit.Type, hit.Deployment, hit.PriceMinYuan, hit.PriceMaxYuan, hit.ImplementationDays, hit.Districts, hit.Score, hit.Highlights);
}

/// <summary>Counts per value; each facet's counts ignore that facet's own filter (multi-select facets).</summary>
public sealed record SearchFacets(
    IReadOnlyList<FacetValue> Direction,
    IReadOnlyList<FacetValue> SubDirection,
    IReadOnlyList<FacetValue> Type,
    IReadOnlyList<FacetValue> Deployment,
    IReadOnlyList<FacetValue> District)
{
    public static SearchFacets From(IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> facets)
    {
        IReadOnlyList<FacetValue> Of(string name) =>
            facets.TryGetValue(name, out var counts) ? counts.Select(c => new FacetValue(c.Value, c.Count)).ToArray() : [];
        return new SearchFacets(Of(FacetNames.Direction), Of(FacetNames.SubDirection), Of(FacetNames.Type), Of(FacetNames.Deployment), Of(FacetNames.District));
    }
}

public sealed record FacetValue(string Value, long Count);
