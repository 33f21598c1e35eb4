using Marketplace.Core.Engagements;

namespace Marketplace.Api.Engagements;

/// <param name="ItemId">One of your demand items.</param>
/// <param name="OfferingId">An offering among that item's matches; the engagement refers to the revision as ranked.</param>
/// <param name="Message">What you would like to discuss (≤ 2,000 characters).</param>
/// <param name="Contact">Shared with the integrator from this moment on: a name and a phone number or an e-mail address.</param>
public sealed record CreateEngagementRequest(Guid? ItemId, Guid? OfferingId, string? Message, EngagementContactRequest? Contact);

public sealed record EngagementContactRequest(string? Name, string? Phone, string? Email);

/// <param name="Action">accept, decline, contract, deliver, verify, dispute, close or withdraw (docs/engagements.md has the state machine).</param>
/// <param name="Reason">decline, dispute, withdraw (required once accepted) and close (required after a dispute).</param>
/// <param name="Note">Optional remark for accept, contract, deliver and verify.</param>
/// <param name="AgreedPriceYuan">contract: the agreed price in yuan.</param>
/// <param name="PlannedDays">contract: the planned duration in days (1–3650).</param>
/// <param name="ActualCostYuan">verify: what the project cost in the end, in yuan.</param>
/// <param name="ActualDays">verify: how many days it took from contract to delivery (1–3650).</param>
public sealed record EngagementTransitionRequest(
    string? Action,
    string? Reason,
    string? Note,
    long? AgreedPriceYuan,
    int? PlannedDays,
    long? ActualCostYuan,
    int? ActualDays)
{
    public EngagementTransitionInput ToInput() => new(Action, Reason, Note, AgreedPriceYuan, PlannedDays, ActualCostYuan, ActualDays);
}

public sealed record EngagementEnterpriseResponse(Guid Id, string Name, string District, string? Industry, EngagementContact Contact);

public sealed record EngagementIntegratorResponse(Guid Id, string Name);

public sealed record EngagementEventResponse(long Seq, string Action, string? FromStatus, string ToStatus, Guid ActorId, string ActorKind, string? Detail, DateTimeOffset At);

/// <summary>
/// An engagement as its parties and operators see it. <c>allowedActions</c> are the transitions the caller may take now;
/// <c>history</c> (on single reads) is the audit trail.
/// </summary>
public sealed record EngagementResponse(
    Guid Id,
    string Status,
    Guid ListId,
    Guid ItemId,
    string ItemText,
    Guid OfferingId,
    Guid RevisionId,
    string OfferingTitle,
    EngagementEnterpriseResponse Enterprise,
    EngagementIntegratorResponse Integrator,
    string Message,
    long? AgreedPriceYuan,
    int? PlannedDays,
    long? ActualCostYuan,
    int? ActualDays,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? ContractedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? VerifiedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    IReadOnlyList<string> AllowedActions,
    IReadOnlyList<EngagementEventResponse>? History)
{
    public static EngagementResponse For(Engagement e, Marketplace.Core.Common.Actor actor, bool withHistory) => new(
        e.Id, e.Status.ToCode(), e.ListId, e.ItemId, e.ItemText, e.OfferingId, e.RevisionId, e.OfferingTitle,
        new EngagementEnterpriseResponse(e.EnterpriseId, e.EnterpriseName, e.EnterpriseDistrict, e.EnterpriseIndustry, e.Contact),
        new EngagementIntegratorResponse(e.IntegratorId, e.IntegratorName),
        e.Message, e.AgreedPriceYuan, e.PlannedDays, e.ActualCostYuan, e.ActualDays,
        e.CreatedAt, e.UpdatedAt, e.AcceptedAt, e.ContractedAt, e.DeliveredAt, e.VerifiedAt, e.EndedAt, e.EndReason,
        EngagementStateMachine.AllowedFor(e.Status, e.PartyOf(actor)),
        withHistory ? e.History.Select(h => new EngagementEventResponse(h.Seq, h.Action, h.FromStatus, h.ToStatus, h.ActorId, h.ActorKind, h.Detail, h.At)).ToArray() : null);
}

/// <summary>An engagement beside a demand item or a lead.</summary>
public sealed record EngagementSummaryResponse(Guid Id, Guid OfferingId, string OfferingTitle, string Integrator, string Status, DateTimeOffset UpdatedAt)
{
    public static EngagementSummaryResponse From(EngagementSummary s) => new(s.Id, s.OfferingId, s.OfferingTitle, s.IntegratorName, s.Status, s.UpdatedAt);
}
