namespace Marketplace.Core.Jobs;

/// <summary>A long-running operation started through the API (e.g. a search-index rebuild), visible to every node.</summary>
public sealed record Job(
    Guid Id,
    string Kind,
    string Status,
    long Processed,
    long? Total,
    string Node,
    Guid RequestedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset UpdatedAt,
    string? Error);

public static class JobKinds
{
    public const string SearchRebuild = "search-rebuild";
    public const string OfferingImport = "offering-import";
    public const string Export = "export";
}

public static class JobStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
