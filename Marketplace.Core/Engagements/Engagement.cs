using Marketplace.Core.Common;

namespace Marketplace.Core.Engagements;

/// <summary>
/// Where an engagement (对接) stands. <see cref="Verified"/> is the enterprise's acceptance of the delivered work (验收);
/// <see cref="Declined"/>, <see cref="Withdrawn"/> and <see cref="Closed"/> are final.
/// </summary>
public enum EngagementStatus
{
    Requested,
    Accepted,
    Declined,
    Contracted,
    Delivered,
    Disputed,
    Verified,
    Closed,
    Withdrawn,
}

/// <summary>Who acts on an engagement: its enterprise, its integrator, or an operator.</summary>
public enum EngagementParty
{
    Enterprise,
    Integrator,
    Operator,
}

public static class EngagementStatuses
{
    public static string ToCode(this EngagementStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? code, out EngagementStatus status) =>
        EnumCodes.TryParse(code, s => s.ToCode(), out status);

    public static bool IsFinal(this EngagementStatus status) =>
        status is EngagementStatus.Declined or EngagementStatus.Withdrawn or EngagementStatus.Closed;

    public static readonly IReadOnlyList<string> Codes = Enum.GetValues<EngagementStatus>().Select(s => s.ToCode()).ToArray();

    public static string ToCode(this EngagementParty party) => party.ToString().ToLowerInvariant();
}

/// <summary>What an engagement transition needs from its body besides the action.</summary>
[Flags]
public enum TransitionFields
{
    None = 0,
    Note = 1,
    Reason = 2,
    Contract = 4,
    Verification = 8,
}

/// <summary>One edge of the engagement state machine: the action, the state it leaves and enters, who may take it and what it needs.</summary>
public sealed record EngagementTransition(
    string Action,
    EngagementStatus From,
    EngagementStatus To,
    IReadOnlyList<EngagementParty> Parties,
    TransitionFields Allowed,
    bool ReasonRequired);

/// <summary>
/// The state machine, as data (docs/engagements.md draws it). Everything not listed here is refused: an unknown action
/// is a 400, a known one from the wrong state a 409 naming the allowed ones, the other party's action a 403.
/// </summary>
public static class EngagementStateMachine
{
    public const string Accept = "accept";
    public const string Decline = "decline";
    public const string Contract = "contract";
    public const string Deliver = "deliver";
    public const string Verify = "verify";
    public const string Dispute = "dispute";
    public const string Close = "close";
    public const string Withdraw = "withdraw";

    /// <summary>The action recorded when the enterprise opens an engagement (history only, not a transition).</summary>
    public const string Request = "request";

    private static readonly EngagementParty[] EnterpriseOnly = [EngagementParty.Enterprise];
    private static readonly EngagementParty[] IntegratorOnly = [EngagementParty.Integrator];
    private static readonly EngagementParty[] BothParties = [EngagementParty.Enterprise, EngagementParty.Integrator];
    private static readonly EngagementParty[] PartiesAndOperator = [EngagementParty.Enterprise, EngagementParty.Integrator, EngagementParty.Operator];

    public static readonly IReadOnlyList<EngagementTransition> Transitions =
    [
        new(Accept, EngagementStatus.Requested, EngagementStatus.Accepted, IntegratorOnly, TransitionFields.Note, false),
        new(Decline, EngagementStatus.Requested, EngagementStatus.Declined, IntegratorOnly, TransitionFields.Reason, true),
        new(Withdraw, EngagementStatus.Requested, EngagementStatus.Withdrawn, EnterpriseOnly, TransitionFields.Reason, false),
        new(Contract, EngagementStatus.Accepted, EngagementStatus.Contracted, EnterpriseOnly, TransitionFields.Contract | TransitionFields.Note, false),
        new(Withdraw, EngagementStatus.Accepted, EngagementStatus.Withdrawn, BothParties, TransitionFields.Reason, true),
        new(Deliver, EngagementStatus.Contracted, EngagementStatus.Delivered, IntegratorOnly, TransitionFields.Note, false),
        new(Withdraw, EngagementStatus.Contracted, EngagementStatus.Withdrawn, BothParties, TransitionFields.Reason, true),
        new(Verify, EngagementStatus.Delivered, EngagementStatus.Verified, EnterpriseOnly, TransitionFields.Verification | TransitionFields.Note, false),
        new(Dispute, EngagementStatus.Delivered, EngagementStatus.Disputed, EnterpriseOnly, TransitionFields.Reason, true),
        new(Deliver, EngagementStatus.Disputed, EngagementStatus.Delivered, IntegratorOnly, TransitionFields.Note, false),
        new(Verify, EngagementStatus.Disputed, EngagementStatus.Verified, EnterpriseOnly, TransitionFields.Verification | TransitionFields.Note, false),
        new(Close, EngagementStatus.Disputed, EngagementStatus.Closed, PartiesAndOperator, TransitionFields.Reason, true),
        new(Close, EngagementStatus.Verified, EngagementStatus.Closed, BothParties, TransitionFields.Reason, false),
    ];

    public static readonly IReadOnlyList<string> Actions = Transitions.Select(t => t.Action).Distinct().ToArray();

    public static EngagementTransition? Find(string action, EngagementStatus from) =>
        Transitions.FirstOrDefault(t => t.Action == action && t.From == from);

    /// <summary>The actions <paramref name="party"/> may take now.</summary>
    public static IReadOnlyList<string> AllowedFor(EngagementStatus status, EngagementParty? party) =>
        party is null ? [] : Transitions.Where(t => t.From == status && t.Parties.Contains(party.Value)).Select(t => t.Action).ToArray();
}

/// <summary>How the integrator can reach the enterprise; shared with the integrator from the moment the engagement is opened.</summary>
public sealed record EngagementContact(string Name, string? Phone, string? Email);

/// <summary>One audited step: who did what, when, from which status to which.</summary>
public sealed record EngagementEvent
{
    public long Seq { get; init; }
    public string Action { get; init; } = "";
    public string? FromStatus { get; init; }
    public string ToStatus { get; init; } = "";
    public Guid ActorId { get; init; }
    public string ActorKind { get; init; } = "";
    public string? Detail { get; init; }
    public DateTimeOffset At { get; init; }
}

/// <summary>An engagement between an enterprise and the integrator of an offering it was matched with.</summary>
public sealed record Engagement
{
    public Guid Id { get; init; }
    public Guid ListId { get; init; }
    public Guid ItemId { get; init; }
    public string ItemText { get; init; } = "";
    public Guid OfferingId { get; init; }
    public Guid RevisionId { get; init; }
    public string OfferingTitle { get; init; } = "";
    public Guid EnterpriseId { get; init; }
    public string EnterpriseName { get; init; } = "";
    public string EnterpriseDistrict { get; init; } = "";
    public string? EnterpriseIndustry { get; init; }
    public Guid IntegratorId { get; init; }
    public string IntegratorName { get; init; } = "";
    public EngagementStatus Status { get; init; }
    public string Message { get; init; } = "";
    public EngagementContact Contact { get; init; } = new("", null, null);
    public long? AgreedPriceYuan { get; init; }
    public int? PlannedDays { get; init; }
    public long? ActualCostYuan { get; init; }
    public int? ActualDays { get; init; }
    public int RowVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? AcceptedAt { get; init; }
    public DateTimeOffset? ContractedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? EndReason { get; init; }
    public IReadOnlyList<Outcome> Outcomes { get; init; } = [];
    public IReadOnlyList<EngagementEvent> History { get; init; } = [];

    public string ETag => $"\"{RowVersion}\"";

    /// <summary>The caller's role on this engagement, or null when it is not a party and not an operator.</summary>
    public EngagementParty? PartyOf(Common.Actor actor) =>
        actor.OrganizationId == EnterpriseId ? EngagementParty.Enterprise
        : actor.OrganizationId == IntegratorId ? EngagementParty.Integrator
        : actor.IsOperator ? EngagementParty.Operator
        : null;
}

/// <summary>What the enterprise sends to open an engagement from one of its matches.</summary>
public sealed record NewEngagement(Guid? ItemId, Guid? OfferingId, string? Message, EngagementContactInput? Contact);

public sealed record EngagementContactInput(string? Name, string? Phone, string? Email);

/// <summary>A transition request: the action and the fields it takes (see <see cref="EngagementStateMachine"/>).</summary>
public sealed record EngagementTransitionInput(
    string? Action,
    string? Reason,
    string? Note,
    long? AgreedPriceYuan,
    int? PlannedDays,
    long? ActualCostYuan,
    int? ActualDays,
    IReadOnlyList<OutcomeInput?>? Outcomes);

public sealed record EngagementListFilter(EngagementStatus? Status, Guid? ItemId, Guid? OfferingId);

/// <summary>An engagement as shown beside a demand item or a lead.</summary>
public sealed record EngagementSummary
{
    public Guid Id { get; init; }
    public Guid ItemId { get; init; }
    public Guid OfferingId { get; init; }
    public string OfferingTitle { get; init; } = "";
    public string IntegratorName { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A demand item's text and the offering an integrator accepted an engagement for on it.</summary>
public sealed record AcceptedDemand
{
    public Guid ItemId { get; init; }
    public Guid OwnerId { get; init; }
    public string Text { get; init; } = "";
    public Guid OfferingId { get; init; }
}
