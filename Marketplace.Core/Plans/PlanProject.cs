namespace Marketplace.Core.Plans;

/// <summary>
/// The statuses of a planned transformation project (清单化管理), in their order: 意向 → 已诊断 → 已对接 → 实施中 → 已完成,
/// or 放弃 (abandoned, with a reason) from any open status.
/// </summary>
public static class PlanStatuses
{
    public const string Intent = "intent";
    public const string Diagnosed = "diagnosed";
    public const string Engaged = "engaged";
    public const string Implementing = "implementing";
    public const string Completed = "completed";
    public const string Abandoned = "abandoned";

    /// <summary>The steps in order (abandoned is not a step).</summary>
    public static readonly IReadOnlyList<string> Steps = [Intent, Diagnosed, Engaged, Implementing, Completed];

    public static readonly IReadOnlyList<string> Codes = [.. Steps, Abandoned];

    public static bool IsKnown(string? code) => code is not null && Codes.Contains(code);

    public static bool IsTerminal(string code) => code is Completed or Abandoned;

    public static string Name(string code) => code switch
    {
        Intent => "意向",
        Diagnosed => "已诊断",
        Engaged => "已对接",
        Implementing => "实施中",
        Completed => "已完成",
        Abandoned => "放弃",
        _ => code,
    };

    /// <summary>The steps strictly between two steps (those a jump skips), in order; empty for the next step or a step back.</summary>
    public static IReadOnlyList<string> Skipped(string from, string to)
    {
        var a = IndexOf(from);
        var b = IndexOf(to);
        return a >= 0 && b > a + 1 ? Steps.Skip(a + 1).Take(b - a - 1).ToArray() : [];
    }

    public static int IndexOf(string code)
    {
        for (var i = 0; i < Steps.Count; i++)
        {
            if (Steps[i] == code)
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>One enterprise's planned transformation project in its district's plan for a year.</summary>
public sealed record PlanProject(
    Guid Id,
    string District,
    int Year,
    Guid EnterpriseId,
    string EnterpriseName,
    string Title,
    string? Description,
    IReadOnlyList<string> Directions,
    IReadOnlyList<string> SubDirections,
    long PlannedInvestmentYuan,
    DateOnly PlannedStart,
    DateOnly PlannedFinish,
    string Status,
    string? StatusReason,
    long? ActualInvestmentYuan,
    Guid? DiagnosisId,
    Guid? DemandListId,
    int RowVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string ETag => $"\"{RowVersion}\"";
}

/// <summary>What a district office sends to add or edit a project.</summary>
public sealed record PlanProjectInput(
    int? Year,
    Guid? EnterpriseId,
    string? Title,
    string? Description,
    IReadOnlyList<string>? Directions,
    IReadOnlyList<string>? SubDirections,
    long? PlannedInvestmentYuan,
    DateOnly? PlannedStart,
    DateOnly? PlannedFinish);

/// <summary>A status move: the new status, the reason (required for a jump, a step back or abandoning) and, on completion, the actual investment.</summary>
public sealed record PlanStatusMove(string? Status, string? Reason, long? ActualInvestmentYuan);

public sealed record PlanStatusEvent
{
    public long Seq { get; init; }
    public string? FromStatus { get; init; }
    public string ToStatus { get; init; } = "";
    public string? Reason { get; init; }
    public Guid ActorId { get; init; }
    public string ActorKind { get; init; } = "";
    public DateTimeOffset At { get; init; }
}

public sealed record PlanFilter(string? District, int? Year, int? FromYear, int? ToYear, string? Status, Guid? EnterpriseId, string? Direction);

/// <summary>A year of the rolling plan: its projects and their totals (planned investment of the projects not abandoned, as on the scoreboard).</summary>
public sealed record PlanYear(int Year, int Projects, int Enterprises, long PlannedInvestmentYuan, IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyList<PlanProject> Items, bool Truncated);
