using System.ComponentModel.DataAnnotations;
using Marketplace.Api.Engagements;
using Marketplace.Core.Cases;

namespace Marketplace.Api.Cases;

/// <param name="EngagementId">An engagement of yours that passed 验收.</param>
/// <param name="Title">≤ 100 characters.</param>
/// <param name="Summary">The story: the problem, what was done, the result (≤ 2,000 characters). Anonymised cases must not name the enterprise here either; operators check this in review.</param>
/// <param name="Named">Enterprise only: true names it in the case; false (the default) shows its industry and district only.</param>
public sealed record CreateCaseRequest(
    [Required] Guid? EngagementId,
    [Required, MaxLength(CaseStore.TitleMax)] string? Title,
    [Required, MaxLength(CaseStore.SummaryMax)] string? Summary,
    bool? Named);

public sealed record UpdateCaseRequest([Required, MaxLength(CaseStore.TitleMax)] string? Title, [Required, MaxLength(CaseStore.SummaryMax)] string? Summary);

/// <param name="Named">Enterprise only: whether the case names it (default: as it stands, anonymised unless chosen otherwise).</param>
public sealed record ConsentRequest(bool? Named);

/// <param name="Reason">What the parties should change.</param>
public sealed record CaseReviewRequest([Required, MaxLength(CaseStore.ReasonMax)] string? Reason);

public sealed record CaseOfferingResponse(Guid Id, Guid RevisionId, string Title);

/// <summary>The enterprise as a case shows it: its name only when it chose to be named, always its industry and district.</summary>
public sealed record CaseEnterpriseResponse(string? Name, string District, string? Industry);

public sealed record CaseConsentsResponse(DateTimeOffset? Integrator, DateTimeOffset? Enterprise);

public sealed record CaseEventResponse(long Seq, string Action, Guid ActorId, string ActorKind, string? Detail, DateTimeOffset At);

/// <param name="Status">draft (needs both consents), submitted (in review) or published (in the library).</param>
/// <param name="Score">0–1, when found by text.</param>
/// <param name="RejectReason">The operator's reason after a rejection (parties and operators only).</param>
public sealed record CaseResponse(
    Guid Id,
    string Status,
    Guid EngagementId,
    CaseOfferingResponse Offering,
    EngagementIntegratorResponse Integrator,
    CaseEnterpriseResponse Enterprise,
    bool Named,
    string Title,
    string Summary,
    IReadOnlyList<string> Directions,
    IReadOnlyList<string> SubDirections,
    int? PlannedDays,
    int? ActualDays,
    IReadOnlyList<OutcomeResponse> Outcomes,
    CaseConsentsResponse Consents,
    string? RejectReason,
    double? Score,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt,
    IReadOnlyList<CaseEventResponse>? History)
{
    public static CaseResponse For(Case k, Marketplace.Core.Common.Actor? actor, bool withHistory)
    {
        var insider = actor is not null && (actor.IsOperator || k.IsParty(actor));
        return new(k.Id, k.Status, k.EngagementId, new CaseOfferingResponse(k.OfferingId, k.RevisionId, k.OfferingTitle),
            new EngagementIntegratorResponse(k.IntegratorId, k.IntegratorName), EnterpriseOf(k), k.Named, k.Title, k.Summary, k.Directions, k.SubDirections,
            k.PlannedDays, k.ActualDays, k.Outcomes.Select(OutcomeResponse.From).ToArray(), new CaseConsentsResponse(k.IntegratorConsentAt, k.EnterpriseConsentAt),
            insider ? k.RejectReason : null, k.Score, k.CreatedAt, k.UpdatedAt, k.PublishedAt,
            withHistory && insider ? k.History.Select(h => new CaseEventResponse(h.Seq, h.Action, h.ActorId, h.ActorKind, h.Detail, h.At)).ToArray() : null);
    }

    public static CaseEnterpriseResponse EnterpriseOf(Case k) => new(k.Named ? k.EnterpriseName : null, k.District, k.Industry);
}

/// <summary>A verified case as an offering's page lists it.</summary>
public sealed record CaseSummaryResponse(Guid Id, string Title, CaseEnterpriseResponse Enterprise, int? ActualDays, IReadOnlyList<OutcomeResponse> Outcomes, DateTimeOffset? PublishedAt)
{
    public static CaseSummaryResponse From(Case k) => new(k.Id, k.Title, CaseResponse.EnterpriseOf(k), k.ActualDays, k.Outcomes.Select(OutcomeResponse.From).ToArray(), k.PublishedAt);
}
