namespace Marketplace.Core.Searching;

/// <summary>
/// What the search index holds for one offering: the current published version, flattened.
/// <see cref="Version"/> increases with every publish or retire of the offering; an index never
/// replaces a document with one of a lower version (at-least-once, out-of-order safe delivery).
/// </summary>
public sealed record OfferingDocument
{
    public required Guid Id { get; init; }
    public required long Version { get; init; }
    /// <summary>False for a retired offering: kept as a tombstone carrying its version, never returned by search.</summary>
    public required bool Live { get; init; }
    public required Guid RevisionId { get; init; }
    public string Title { get; init; } = "";
    public string Summary { get; init; } = "";
    public string Description { get; init; } = "";
    public IReadOnlyList<string> Keywords { get; init; } = [];
    /// <summary>Case texts: customer, district, year and outcome joined.</summary>
    public IReadOnlyList<string> Cases { get; init; } = [];
    public Guid SupplierId { get; init; }
    public string SupplierName { get; init; } = "";
    /// <summary>Direction codes, including the parents of every sub-direction (expanded at index time).</summary>
    public IReadOnlyList<string> Directions { get; init; } = [];
    public IReadOnlyList<string> SubDirections { get; init; } = [];
    public string Type { get; init; } = "";
    public string Deployment { get; init; } = "";
    /// <summary>District names served; may contain 全市.</summary>
    public IReadOnlyList<string> Districts { get; init; } = [];
    public long PriceMinYuan { get; init; }
    public long PriceMaxYuan { get; init; }
    public int ImplementationDays { get; init; }
    public DateTimeOffset PublishedAt { get; init; }

    public static OfferingDocument Tombstone(Guid id, long version) =>
        new() { Id = id, Version = version, Live = false, RevisionId = Guid.Empty };
}
