namespace Marketplace.Core.Common;

/// <summary>
/// Lists of codes the API accepts. A property or parameter marked with <see cref="CodeListAttribute"/> is documented
/// with the list's values, read from the same source the validators check against (the taxonomy, the status codes…).
/// </summary>
public enum CodeList
{
    Directions,
    /// <summary>Directions plus <c>unclassified</c>: how demand items are grouped by direction (none stated or inferred).</summary>
    DemandDirections,
    SubDirections,
    Districts,
    /// <summary>Districts plus 全市 (an offering may serve the whole city).</summary>
    ServiceAreas,
    OfferingTypes,
    DeploymentModes,
    EnterpriseScales,
    OrganizationKinds,
    OfferingStatuses,
    SearchSorts,
    PlanStatuses,
    DiagnosticDimensions,
    FindingSeverities,
    FinancingStatuses,
    DiagnosisStatuses,
    ExportKinds,
    /// <summary>The <c>status</c> filters exports take (each kind takes some of them).</summary>
    ExportStatuses,
    TableFormats,
    EngagementActions,
    EngagementStatuses,
    OutcomeDimensions,
    OutcomeUnits,
    CaseStatuses,
    WebhookEventTypes,
    WebhookDeliveryStatuses,
}

/// <summary>The value (or each value of a list) must be one of <paramref name="list"/>'s codes.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class CodeListAttribute(CodeList list) : Attribute
{
    public CodeList List { get; } = list;
}

/// <summary>Each string of a list is at most <paramref name="length"/> characters (the list's own size is <c>[MaxLength]</c>).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class ItemMaxLengthAttribute(int length) : Attribute
{
    public int Length { get; } = length;
}
