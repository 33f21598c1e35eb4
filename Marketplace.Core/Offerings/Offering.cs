using Marketplace.Core.Common;

namespace Marketplace.Core.Offerings;

public enum OfferingStatus
{
    Draft,
    Submitted,
    Published,
    Retired,
}

public static class OfferingStatuses
{
    public static string ToCode(this OfferingStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>A status written as the API writes it (<c>draft</c>, <c>published</c>…): not the enum's name, another case or a number.</summary>
    public static bool TryParse(string? code, out OfferingStatus status) =>
        EnumCodes.TryParse(code, s => s.ToCode(), out status);

    public static readonly IReadOnlyList<string> Codes = Enum.GetValues<OfferingStatus>().Select(s => s.ToCode()).ToArray();
}

/// <summary>
/// An offering with its working revision (what the owner edits and operators review) and, once approved,
/// its published revision (what the public sees). Editing a published offering starts a new working
/// revision while the published one stays live.
/// </summary>
public sealed record Offering(
    Guid Id,
    Guid OwnerId,
    string OwnerName,
    OfferingStatus Status,
    int RowVersion,
    long IndexVersion,
    Revision Working,
    Revision? Published,
    string? RejectReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt)
{
    /// <summary>Visible to everyone and in search: a published revision exists and the offering is not retired.</summary>
    public bool IsLive => Published is not null && Status != OfferingStatus.Retired;

    public string ETag => $"\"{RowVersion}\"";

    /// <summary>
    /// The version others see: the published revision's, so editing a draft (which they cannot see) does not change it.
    /// Only owners and operators edit, with <see cref="ETag"/>.
    /// </summary>
    public string PublicETag => $"\"p{Published?.Number ?? 0}\"";
}

public sealed record Revision(Guid Id, int Number, OfferingContent Content, DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt);

public sealed record AuditEvent
{
    public long Seq { get; init; }
    public Guid OfferingId { get; init; }
    public Guid? RevisionId { get; init; }
    public string Action { get; init; } = "";
    public Guid ActorId { get; init; }
    public string ActorKind { get; init; } = "";
    public string? Detail { get; init; }
    public DateTimeOffset At { get; init; }
}

public sealed record OfferingListFilter(Guid? OwnerId, OfferingStatus? Status, bool LiveOnly);

/// <summary>What the search index should hold for an offering: its current index version, live or a tombstone.</summary>
public sealed record OfferingIndexState
{
    public Guid Id { get; init; }
    public long IndexVersion { get; init; }
    public bool Live { get; init; }
}

/// <param name="IndexVersion">The offering's index version in the database when the drift was found.</param>
/// <param name="IndexedVersion">The version the index holds (0 when none).</param>
public sealed record IndexRepair(Guid Id, long IndexVersion, long IndexedVersion);

/// <summary>A fingerprint of the published catalog (<see cref="OfferingStore.CatalogVersionAsync"/>).</summary>
public sealed record CatalogVersion
{
    public long Offerings { get; init; }
    public long IndexVersions { get; init; }
}
