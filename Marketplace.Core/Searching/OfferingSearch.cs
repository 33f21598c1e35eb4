using Marketplace.Core.Common;

namespace Marketplace.Core.Searching;

public enum SearchSort
{
    Relevance,
    Newest,
    PriceAsc,
    PriceDesc,
}

/// <summary>The sort codes the search API accepts.</summary>
public static class SearchSorts
{
    public static readonly IReadOnlyDictionary<string, SearchSort> ByCode = new Dictionary<string, SearchSort>(StringComparer.Ordinal)
    {
        ["relevance"] = SearchSort.Relevance,
        ["newest"] = SearchSort.Newest,
        ["price"] = SearchSort.PriceAsc,
        ["price_desc"] = SearchSort.PriceDesc,
    };

    /// <summary>The API's code of a sort order.</summary>
    public static string Code(SearchSort sort) => ByCode.First(kv => kv.Value == sort).Key;
}

/// <summary>A search over live offerings. Filters are ANDed; values inside <see cref="Directions"/> are ORed.</summary>
public sealed record OfferingSearchRequest
{
    /// <summary>The most hits one request returns (matching's candidates; the API's pages are smaller).</summary>
    public const int MaxLimit = 200;

    /// <summary>How deep offset paging reaches (offset + limit); beyond it, pages follow the cursor.</summary>
    public const int MaxOffsetWindow = 10_000;

    /// <summary>Free text in Chinese (or mixed); null or blank matches everything.</summary>
    public string? Text { get; init; }
    /// <summary>Extra weighted query terms (e.g. from direction inference in matching), ORed with the text.</summary>
    public IReadOnlyList<WeightedTerm> BoostTerms { get; init; } = [];
    public IReadOnlyList<string> Directions { get; init; } = [];
    public IReadOnlyList<string> SubDirections { get; init; } = [];
    public string? Type { get; init; }
    public string? Deployment { get; init; }
    /// <summary>A district: matches offerings serving it or 全市.</summary>
    public string? District { get; init; }
    /// <summary>Keeps offerings whose minimum price is at most this.</summary>
    public long? MaxPriceYuan { get; init; }
    public int? MaxDays { get; init; }
    public SearchSort Sort { get; init; } = SearchSort.Relevance;
    public int Offset { get; init; }
    public int Limit { get; init; } = 20;

    /// <summary>Refuses a limit or an offset outside what every engine serves, the same way on each.</summary>
    public void CheckPaging()
    {
        if (Limit is < 0 or > MaxLimit)
        {
            throw new InvalidSearchRequestException("limit", $"limit must be between 0 and {MaxLimit}.");
        }
        if (Offset < 0)
        {
            throw new InvalidSearchRequestException("offset", "offset must not be negative.");
        }
        if (Cursor is null && Offset + Limit > MaxOffsetWindow)
        {
            throw new InvalidSearchRequestException("offset", $"offset + limit must not exceed {MaxOffsetWindow}; page deeper with the cursor.");
        }
    }

    /// <summary>Opaque cursor from a previous page's <see cref="OfferingSearchResult.NextCursor"/>; when set, Offset is ignored.</summary>
    public string? Cursor { get; init; }
    public bool IncludeFacets { get; init; } = true;
    public bool Highlight { get; init; } = true;

    /// <summary>
    /// Whether the answer carries <see cref="OfferingSearchResult.NextCursor"/>. Off for a caller that reads one page only
    /// (matching's candidates): no cursor is made, and the embedded engine keeps no reader for one.
    /// </summary>
    public bool WithNextCursor { get; init; } = true;

    /// <summary>
    /// What a cursor continues: the text and the filters (not the boost terms, which the API reads from the text with a
    /// model that may be rebuilt between two pages), as a stable 64-bit hash (FNV-1a over their UTF-8 bytes).
    /// </summary>
    public long CursorScope()
    {
        var scope = string.Join("\u001f", (Text ?? "").Trim(), string.Join(',', Directions.Order(StringComparer.Ordinal)),
            string.Join(',', SubDirections.Order(StringComparer.Ordinal)), Type, Deployment, District, MaxPriceYuan, MaxDays);
        return unchecked((long)Fnv1a.Hash(System.Text.Encoding.UTF8.GetBytes(scope)));
    }
}

public sealed record WeightedTerm(string Term, float Weight);

public sealed record OfferingSearchResult(
    long Total,
    IReadOnlyList<OfferingHit> Hits,
    IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets,
    string? NextCursor)
{
    /// <summary>How many hits come before this page: the offset, or where the cursor's page starts (0 for a cursor that does not say).</summary>
    public long Start { get; init; }
}

public sealed record OfferingHit
{
    public required Guid Id { get; init; }
    public required Guid RevisionId { get; init; }
    public required double Score { get; init; }
    public string Title { get; init; } = "";
    public string Summary { get; init; } = "";
    public Guid SupplierId { get; init; }
    public string SupplierName { get; init; } = "";
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public IReadOnlyList<string> Directions { get; init; } = [];
    public IReadOnlyList<string> SubDirections { get; init; } = [];
    public string Type { get; init; } = "";
    public string Deployment { get; init; } = "";
    public IReadOnlyList<string> Districts { get; init; } = [];
    public long PriceMinYuan { get; init; }
    public long PriceMaxYuan { get; init; }
    public int ImplementationDays { get; init; }
    public DateTimeOffset PublishedAt { get; init; }
    /// <summary>Snippets with matched terms wrapped in &lt;em&gt;…&lt;/em&gt;.</summary>
    public IReadOnlyList<string> Highlights { get; init; } = [];
    /// <summary>Query terms (after analysis and thesaurus expansion) that matched this offering.</summary>
    public IReadOnlyList<string> MatchedTerms { get; init; } = [];
}

public sealed record FacetCount(string Value, long Count);

/// <summary>Facet names used in <see cref="OfferingSearchResult.Facets"/>.</summary>
public static class FacetNames
{
    public const string Direction = "direction";
    public const string SubDirection = "subDirection";
    public const string Type = "type";
    public const string Deployment = "deployment";
    public const string District = "district";
    public static readonly IReadOnlyList<string> All = [Direction, SubDirection, Type, Deployment, District];
}
