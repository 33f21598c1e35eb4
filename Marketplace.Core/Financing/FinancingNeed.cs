namespace Marketplace.Core.Financing;

public static class FinancingStatuses
{
    /// <summary>Submitted by the enterprise, waiting for its district office.</summary>
    public const string Submitted = "submitted";

    /// <summary>Confirmed by the district office: on the list for banks.</summary>
    public const string Confirmed = "confirmed";

    /// <summary>Sent back by the district office with a reason; the enterprise edits and so resubmits it.</summary>
    public const string Returned = "returned";

    public static readonly IReadOnlyList<string> Codes = [Submitted, Confirmed, Returned];
}

/// <summary>A technical-transformation loan need (技改专项贷 融资需求) of an enterprise, for a plan project or an engagement.</summary>
public sealed record FinancingNeed(
    Guid Id,
    Guid EnterpriseId,
    string EnterpriseName,
    string District,
    Guid? PlanProjectId,
    string? PlanProjectTitle,
    Guid? EngagementId,
    IReadOnlyList<string> Directions,
    long AmountYuan,
    int TermMonths,
    string Purpose,
    string ExpectedBenefits,
    string Status,
    string? ReturnReason,
    DateTimeOffset? ConfirmedAt,
    int RowVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string ETag => $"\"{RowVersion}\"";
}

public sealed record FinancingNeedInput(Guid? PlanProjectId, Guid? EngagementId, long? AmountYuan, int? TermMonths, string? Purpose, string? ExpectedBenefits);

/// <summary>Filters of lists and exports; <see cref="From"/>/<see cref="To"/> are calendar days in China Standard Time, both included.</summary>
public sealed record FinancingFilter(string? Status, string? District, string? Direction, DateOnly? From, DateOnly? To);

/// <summary>A confirmed need as exported for banks.</summary>
public sealed record FinancingExportRow
{
    public Guid Id { get; init; }
    public string District { get; init; } = "";
    public string EnterpriseName { get; init; } = "";
    public string CreditCode { get; init; } = "";
    public string? Industry { get; init; }
    public string? Scale { get; init; }
    public string? ProjectTitle { get; init; }
    public long? PlannedInvestmentYuan { get; init; }
    public Guid? EngagementId { get; init; }
    public string Directions { get; init; } = "[]";
    public long AmountYuan { get; init; }
    public int TermMonths { get; init; }
    public string Purpose { get; init; } = "";
    public string ExpectedBenefits { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ConfirmedAt { get; init; }
}
