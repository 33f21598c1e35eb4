namespace Marketplace.Core.Webhooks;

// What receivers get: one JSON envelope per event, {id, type, occurredAt, organizationId, data}. The id is the idempotency
// id: the same on every attempt and redelivery of the event to every endpoint of the organization. These records are what
// is serialized, and the OpenAPI document's webhooks section is generated from them.

/// <param name="Id">Idempotency id of the event (also in the X-Marketplace-Event-Id header).</param>
/// <param name="Type">The event type.</param>
/// <param name="OrganizationId">The receiving organization.</param>
public abstract record WebhookEnvelope(Guid Id, string Type, DateTimeOffset OccurredAt, Guid OrganizationId);

public sealed record WebhookMatch(Guid OfferingId, Guid RevisionId, string Title, double Score);

public sealed record MatchChangedItem(Guid ItemId, Guid MatchEventId, double? BestScore, IReadOnlyList<WebhookMatch> TopMatches);

/// <param name="Reason">list-created, list-updated or offering-published.</param>
public sealed record MatchChangedData(Guid ListId, Guid RunId, string Reason, IReadOnlyList<MatchChangedItem> Items);

public sealed record MatchChangedEvent(Guid Id, string Type, DateTimeOffset OccurredAt, Guid OrganizationId, MatchChangedData Data)
    : WebhookEnvelope(Id, Type, OccurredAt, OrganizationId);

/// <param name="EnterpriseName">Only when the enterprise opted in (discloseName).</param>
/// <param name="Offerings">Your offerings that newly match the item, with rank and score.</param>
public sealed record LeadCreatedData(Guid ListId, Guid ItemId, string Text, long? BudgetYuan, int? WithinDays, string? Direction, string? EnterpriseName,
    string EnterpriseDistrict, string? EnterpriseIndustry, IReadOnlyList<LeadOffering> Offerings);

public sealed record LeadOffering(Guid OfferingId, Guid RevisionId, string Title, int Rank, double Score);

public sealed record LeadCreatedEvent(Guid Id, string Type, DateTimeOffset OccurredAt, Guid OrganizationId, LeadCreatedData Data)
    : WebhookEnvelope(Id, Type, OccurredAt, OrganizationId);

/// <param name="Subject">offering or case.</param>
/// <param name="Decision">approved or rejected.</param>
/// <param name="Reason">The operator's reason when rejected.</param>
public sealed record ReviewDecidedData(string Subject, Guid SubjectId, string Title, string Decision, string? Reason);

public sealed record ReviewDecidedEvent(Guid Id, string Type, DateTimeOffset OccurredAt, Guid OrganizationId, ReviewDecidedData Data)
    : WebhookEnvelope(Id, Type, OccurredAt, OrganizationId);

/// <param name="Action">request (opened) or the transition taken: accept, decline, contract, deliver, verify, dispute, close, withdraw.</param>
/// <param name="FromStatus">Null when the engagement was opened.</param>
/// <param name="ActorKind">enterprise, integrator or operator.</param>
public sealed record EngagementChangedData(Guid EngagementId, Guid ItemId, Guid OfferingId, string OfferingTitle, string Action, string? FromStatus, string Status,
    string ActorKind);

public sealed record EngagementChangedEvent(Guid Id, string Type, DateTimeOffset OccurredAt, Guid OrganizationId, EngagementChangedData Data)
    : WebhookEnvelope(Id, Type, OccurredAt, OrganizationId);

/// <param name="Sequence">The event's position in GET /api/v1/matches/feed.</param>
/// <param name="Matches">The top 10 offerings as ranked.</param>
public sealed record MatchEventData(long Sequence, Guid MatchEventId, Guid ListId, Guid ItemId, Guid RunId, string EnterpriseDistrict, string? Direction,
    string Reason, IReadOnlyList<WebhookMatch> Matches);

public sealed record MatchEventEvent(Guid Id, string Type, DateTimeOffset OccurredAt, Guid OrganizationId, MatchEventData Data)
    : WebhookEnvelope(Id, Type, OccurredAt, OrganizationId);
