using System.ComponentModel.DataAnnotations;
using Marketplace.Core.Common;
using Marketplace.Core.Engagements;

namespace Marketplace.Api.Engagements;

/// <param name="ItemId">One of your demand items.</param>
/// <param name="OfferingId">An offering among that item's matches; the engagement refers to the revision as ranked.</param>
/// <param name="Message">What you would like to discuss (≤ 2,000 characters).</param>
/// <param name="Contact">Shared with the integrator from this moment on: a name and a phone number or an e-mail address.</param>
public sealed record CreateEngagementRequest(
    [Required] Guid? ItemId,
    [Required] Guid? OfferingId,
    [Required, MaxLength(EngagementStore.MessageMax)] string? Message,
    [Required] EngagementContactRequest? Contact);

/// <param name="Name">The contact person (≤ 50 characters).</param>
/// <param name="Phone">Digits, spaces, +, - and parentheses, at least 7 digits; a phone or an e-mail address is required.</param>
/// <param name="Email">An e-mail address; a phone or an e-mail address is required.</param>
public sealed record EngagementContactRequest(
    [Required, MaxLength(EngagementStore.ContactNameMax)] string? Name,
    [MaxLength(EngagementStore.PhoneMax)] string? Phone,
    [MaxLength(EngagementStore.EmailMax)] string? Email);

/// <param name="Action">accept, decline, contract, deliver, verify, dispute, close or withdraw (docs/engagements.md has the state machine).</param>
/// <param name="Reason">decline, dispute, withdraw (required once accepted) and close (required after a dispute).</param>
/// <param name="Note">Optional remark for accept, contract, deliver and verify.</param>
/// <param name="AgreedPriceYuan">contract: the agreed price in yuan.</param>
/// <param name="PlannedDays">contract: the planned duration in days (1–3650).</param>
/// <param name="ActualCostYuan">verify: what the project cost in the end, in yuan.</param>
/// <param name="ActualDays">verify: how many days it took from contract to delivery (1–3650).</param>
/// <param name="Outcomes">verify: 1–20 measured results against the 五个优化, each with a baseline and the value at 验收.</param>
public sealed record EngagementTransitionRequest(
    [Required, CodeList(CodeList.EngagementActions)] string? Action,
    [MaxLength(EngagementStore.ReasonMax)] string? Reason,
    [MaxLength(EngagementStore.NoteMax)] string? Note,
    [Range(0d, Limits.MaxYuan)] long? AgreedPriceYuan,
    [Range(1, Limits.MaxDays)] int? PlannedDays,
    [Range(0d, Limits.MaxYuan)] long? ActualCostYuan,
    [Range(1, Limits.MaxDays)] int? ActualDays,
    [MaxLength(Outcomes.MaxPerEngagement)] IReadOnlyList<OutcomeRequest?>? Outcomes)
{
    public EngagementTransitionInput ToInput() => new(Action, Reason, Note, AgreedPriceYuan, PlannedDays, ActualCostYuan, ActualDays,
        Outcomes?.Select(o => o is null ? null : new OutcomeInput(o.Dimension, o.Metric, o.Unit, o.Baseline, o.Actual)).ToArray());
}

/// <param name="Dimension">One of the 五个优化: technology-process 技术工艺, product-system 产品体系, quality 质量管控, industrial-chain 产业链协同, economic-benefit 经济效益.</param>
/// <param name="Metric">What was measured, e.g. 一次合格率, 焊工人数, 单件能耗 (≤ 50 characters, each once).</param>
/// <param name="Unit">%, 人, 台, 套, 个, 件, 批, 次, 项, 天, 小时, 分钟, 秒, 元, 万元, 吨, 千克, 千瓦时, 吨标准煤, 立方米, 元/件, 千瓦时/件, 千瓦时/吨, 分钟/件, 件/小时 or 件/天; % is a level in 0–100.</param>
/// <param name="Baseline">The value before the project (required), in the unit's range.</param>
/// <param name="Actual">The value measured at 验收 (required), in the unit's range.</param>
public sealed record OutcomeRequest(
    [Required, CodeList(CodeList.OutcomeDimensions)] string? Dimension,
    [Required, MaxLength(Outcomes.MetricMax)] string? Metric,
    [Required, CodeList(CodeList.OutcomeUnits)] string? Unit,
    [Required] double? Baseline,
    [Required] double? Actual);

/// <param name="Change">actual − baseline.</param>
/// <param name="ChangePercent">The change in percent of the baseline (null when the baseline is 0).</param>
/// <param name="Summary">As a case quotes it, e.g. 一次合格率 92%→98%.</param>
public sealed record OutcomeResponse(string Dimension, string DimensionName, string Metric, string Unit, double Baseline, double Actual, double Change,
    double? ChangePercent, string Summary)
{
    public static OutcomeResponse From(Outcome o) => new(o.Dimension, Marketplace.Core.Engagements.Outcomes.FindDimension(o.Dimension)?.Name ?? o.Dimension,
        o.Metric, o.Unit, o.Baseline, o.Actual, o.Change, o.ChangePercent, o.Describe());
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
    IReadOnlyList<OutcomeResponse> Outcomes,
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
        e.Message, e.AgreedPriceYuan, e.PlannedDays, e.ActualCostYuan, e.ActualDays, e.Outcomes.Select(OutcomeResponse.From).ToArray(),
        e.CreatedAt, e.UpdatedAt, e.AcceptedAt, e.ContractedAt, e.DeliveredAt, e.VerifiedAt, e.EndedAt, e.EndReason,
        EngagementStateMachine.AllowedFor(e.Status, e.PartyOf(actor)),
        withHistory ? e.History.Select(h => new EngagementEventResponse(h.Seq, h.Action, h.FromStatus, h.ToStatus, h.ActorId, h.ActorKind, h.Detail, h.At)).ToArray() : null);
}

/// <summary>An engagement beside a demand item or a lead.</summary>
public sealed record EngagementSummaryResponse(Guid Id, Guid OfferingId, string OfferingTitle, string Integrator, string Status, DateTimeOffset UpdatedAt)
{
    public static EngagementSummaryResponse From(EngagementSummary s) => new(s.Id, s.OfferingId, s.OfferingTitle, s.IntegratorName, s.Status, s.UpdatedAt);
}
