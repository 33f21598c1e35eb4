using Marketplace.Core.Engagements;

namespace Marketplace.Core.Cases;

public static class CaseStatuses
{
    /// <summary>Being written; needs both parties' consent.</summary>
    public const string Draft = "draft";

    /// <summary>Both parties consented: waiting for an operator's review.</summary>
    public const string Submitted = "submitted";

    /// <summary>In the case library (案例库), public and searchable.</summary>
    public const string Published = "published";

    public static readonly IReadOnlyList<string> Codes = [Draft, Submitted, Published];
}

/// <summary>
/// A case (案例) made from a verified engagement: the parties' story with the engagement's measured outcomes. The
/// enterprise is named only when it chose so (<see cref="Named"/>); otherwise the case shows its industry and district.
/// </summary>
public sealed record Case
{
    public Guid Id { get; init; }
    public Guid EngagementId { get; init; }
    public Guid OfferingId { get; init; }
    public Guid RevisionId { get; init; }
    public string OfferingTitle { get; init; } = "";
    public Guid IntegratorId { get; init; }
    public string IntegratorName { get; init; } = "";
    public Guid EnterpriseId { get; init; }
    public string EnterpriseName { get; init; } = "";
    public bool Named { get; init; }
    public string Status { get; init; } = "";
    public string Title { get; init; } = "";
    public string Summary { get; init; } = "";
    public IReadOnlyList<string> Directions { get; init; } = [];
    public IReadOnlyList<string> SubDirections { get; init; } = [];
    public string District { get; init; } = "";
    public string? Industry { get; init; }
    public DateTimeOffset? IntegratorConsentAt { get; init; }
    public DateTimeOffset? EnterpriseConsentAt { get; init; }
    public string? RejectReason { get; init; }
    public int RowVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public int? PlannedDays { get; init; }
    public int? ActualDays { get; init; }
    public IReadOnlyList<Outcome> Outcomes { get; init; } = [];
    public IReadOnlyList<CaseEvent> History { get; init; } = [];

    /// <summary>The search score (0–1) when the case was found by text.</summary>
    public double? Score { get; init; }

    public string ETag => $"\"{RowVersion}\"";

    public bool IsParty(Common.Actor actor) => actor.OrganizationId == IntegratorId || actor.OrganizationId == EnterpriseId;
}

public sealed record CaseEvent
{
    public long Seq { get; init; }
    public string Action { get; init; } = "";
    public Guid ActorId { get; init; }
    public string ActorKind { get; init; } = "";
    public string? Detail { get; init; }
    public DateTimeOffset At { get; init; }
}

/// <param name="Named">Only the enterprise may set it: true names it in the case, false (default) shows its industry and district only.</param>
public sealed record NewCase(Guid? EngagementId, string? Title, string? Summary, bool? Named);

public sealed record CaseEdit(string? Title, string? Summary);

/// <summary>A case library search: text (Chinese analysis), direction, technology item, district, industry, offering.</summary>
public sealed record CaseQuery(string? Text, string? Direction, string? SubDirection, string? District, string? Industry, Guid? OfferingId);
