using System.Text.Json.Serialization;
using Marketplace.Core.Searching;
using Marketplace.Search.Indexing;

namespace Marketplace.Search.Elasticsearch;

/// <summary>The <c>_source</c> of one offering in Elasticsearch (field names match <see cref="OfferingIndexMapping"/>).</summary>
internal sealed record IndexedOffering
{
    [JsonPropertyName("id")] public Guid Id { get; init; }
    [JsonPropertyName("version")] public long Version { get; init; }
    [JsonPropertyName("live")] public bool Live { get; init; }
    [JsonPropertyName("revisionId")] public Guid RevisionId { get; init; }
    [JsonPropertyName("title")] public string Title { get; init; } = "";
    [JsonPropertyName("summary")] public string Summary { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("keywords")] public IReadOnlyList<string> Keywords { get; init; } = [];
    [JsonPropertyName("cases")] public IReadOnlyList<string> Cases { get; init; } = [];
    [JsonPropertyName("supplierId")] public Guid SupplierId { get; init; }
    [JsonPropertyName("supplierName")] public string SupplierName { get; init; } = "";
    [JsonPropertyName("directions")] public IReadOnlyList<string> Directions { get; init; } = [];
    [JsonPropertyName("subDirections")] public IReadOnlyList<string> SubDirections { get; init; } = [];
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("deployment")] public string Deployment { get; init; } = "";
    [JsonPropertyName("districts")] public IReadOnlyList<string> Districts { get; init; } = [];
    [JsonPropertyName("priceMinYuan")] public long PriceMinYuan { get; init; }
    [JsonPropertyName("priceMaxYuan")] public long PriceMaxYuan { get; init; }
    [JsonPropertyName("implementationDays")] public int ImplementationDays { get; init; }
    [JsonPropertyName("publishedAt")] public DateTimeOffset PublishedAt { get; init; }
    [JsonPropertyName("tieBreak")] public long TieBreak { get; init; }

    public static IndexedOffering From(OfferingDocument d) => new()
    {
        Id = d.Id,
        Version = d.Version,
        Live = d.Live,
        RevisionId = d.RevisionId,
        Title = d.Title,
        Summary = d.Summary,
        Description = d.Description,
        Keywords = d.Keywords,
        Cases = d.Cases,
        SupplierId = d.SupplierId,
        SupplierName = d.SupplierName,
        Directions = d.Directions,
        SubDirections = d.SubDirections,
        Type = d.Type,
        Deployment = d.Deployment,
        Districts = d.Districts,
        PriceMinYuan = d.PriceMinYuan,
        PriceMaxYuan = d.PriceMaxYuan,
        ImplementationDays = d.ImplementationDays,
        PublishedAt = d.PublishedAt,
        TieBreak = StableIdHash.Compute(d.Id),
    };
}
