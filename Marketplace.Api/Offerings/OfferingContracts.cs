using System.ComponentModel.DataAnnotations;
using Marketplace.Core.Offerings;

namespace Marketplace.Api.Offerings;

public sealed record SupplierRef(Guid Id, string Name);

/// <summary>
/// An offering as the caller may see it. The public sees the published revision; the owner and operators
/// see the working revision (draft or under review) with its status and the published revision's number.
/// </summary>
/// <param name="Live">In the catalog (a published revision, not retired), whatever state a revision its owner is making is in.</param>
public sealed record OfferingResponse(
    Guid Id,
    SupplierRef Supplier,
    string Status,
    bool Live,
    int Revision,
    int? PublishedRevision,
    string Type,
    string Title,
    string Summary,
    string Description,
    IReadOnlyList<string> Directions,
    IReadOnlyList<string> SubDirections,
    IReadOnlyList<string> Keywords,
    string Deployment,
    long PriceMinYuan,
    long PriceMaxYuan,
    int ImplementationDays,
    IReadOnlyList<string> Districts,
    IReadOnlyList<OfferingCase> Cases,
    string? RejectReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt)
{
    /// <summary>On an offering's own page: its published cases (from verified engagements) with their outcome figures, newest first (at most 20; the case library's search with <c>offeringId</c> pages through all).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Marketplace.Api.Cases.CaseSummaryResponse>? VerifiedCases { get; init; }

    public static OfferingResponse For(Offering o, bool manager)
    {
        var (status, revision) = manager || !o.IsLive
            ? (o.Status.ToCode(), o.Working)
            : (OfferingStatus.Published.ToCode(), o.Published!);
        var c = revision.Content;
        // Others see when the published version changed, not when the owner last touched an unpublished draft.
        var updatedAt = manager || !o.IsLive ? o.UpdatedAt : o.Published!.PublishedAt ?? o.UpdatedAt;
        return new OfferingResponse(o.Id, new SupplierRef(o.OwnerId, o.OwnerName), status, o.IsLive, revision.Number, o.Published?.Number,
            c.Type, c.Title, c.Summary, c.Description, c.Directions, c.SubDirections, c.Keywords, c.Deployment,
            c.PriceMinYuan, c.PriceMaxYuan, c.ImplementationDays, c.Districts, c.Cases,
            manager ? o.RejectReason : null, o.CreatedAt, updatedAt, o.PublishedAt);
    }
}

/// <param name="Reason">What the integrator should change; shown to the owner as <c>rejectReason</c>.</param>
public sealed record RejectRequest([Required, MaxLength(OfferingStore.RejectReasonMax)] string? Reason);

public sealed record AuditEventResponse(long Seq, Guid? RevisionId, string Action, Guid ActorId, string ActorKind, string? Detail, DateTimeOffset At);

public sealed record PublishedRevisionResponse(Guid Id, int Number, DateTimeOffset? PublishedAt, OfferingContent Content);

public sealed record OfferingHistoryResponse(Guid OfferingId, IReadOnlyList<AuditEventResponse> Events, IReadOnlyList<PublishedRevisionResponse> PublishedRevisions);
