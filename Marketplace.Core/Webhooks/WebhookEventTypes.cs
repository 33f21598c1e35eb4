using Marketplace.Core.Common;

namespace Marketplace.Core.Webhooks;

/// <summary>An event type an endpoint can subscribe to, and the organization kinds that receive it.</summary>
public sealed record WebhookEventType(string Code, string Description, IReadOnlyList<OrganizationKind> Kinds);

public static class WebhookEventTypes
{
    /// <summary>New or changed matches of one of the enterprise's demand lists (created, edited, or a newly published offering entered an item's top K).</summary>
    public const string MatchChanged = "match.changed";

    /// <summary>The integrator's offering newly appears among a demand item's matches.</summary>
    public const string LeadCreated = "lead.created";

    /// <summary>An operator approved or rejected an offering (to its integrator) or a case (to both parties).</summary>
    public const string ReviewDecided = "review.decided";

    /// <summary>An engagement was opened or took a step (to both parties).</summary>
    public const string EngagementChanged = "engagement.changed";

    /// <summary>A match event of the feed (to capability centers).</summary>
    public const string MatchEvent = "match.event";

    public static readonly IReadOnlyList<WebhookEventType> All =
    [
        new(MatchChanged, "需求清单匹配结果新增或变化 (new or changed matches of your demand lists)", [OrganizationKind.Enterprise]),
        new(LeadCreated, "新商机线索 (your offering newly matches a demand item)", [OrganizationKind.Integrator]),
        new(ReviewDecided, "审核结果 (an offering or case review decision)", [OrganizationKind.Integrator, OrganizationKind.Enterprise]),
        new(EngagementChanged, "对接状态变化 (an engagement was opened or changed status)", [OrganizationKind.Enterprise, OrganizationKind.Integrator]),
        new(MatchEvent, "匹配事件 (every match event of the feed, for the capability center)", [OrganizationKind.CapabilityCenter, OrganizationKind.Operator]),
    ];

    public static WebhookEventType? Find(string code) => All.FirstOrDefault(t => t.Code == code);
}
