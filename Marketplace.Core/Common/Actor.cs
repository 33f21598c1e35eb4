namespace Marketplace.Core.Common;

public enum OrganizationKind
{
    Operator,
    Integrator,
    Enterprise,
    CapabilityCenter,

    /// <summary>A district's 经信 office: keeps its district's transformation plan and sees only its own district.</summary>
    District,

    /// <summary>A third-party diagnostic institution (诊断评估机构), assigned by districts to diagnose enterprises.</summary>
    Assessor,
}

public static class OrganizationKinds
{
    public static string ToCode(this OrganizationKind kind) => kind switch
    {
        OrganizationKind.Operator => "operator",
        OrganizationKind.Integrator => "integrator",
        OrganizationKind.Enterprise => "enterprise",
        OrganizationKind.CapabilityCenter => "capability-center",
        OrganizationKind.District => "district",
        OrganizationKind.Assessor => "assessor",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? code, out OrganizationKind kind) =>
        EnumCodes.TryParse(code, s => s.ToCode(), out kind);

    public static readonly IReadOnlyList<string> Codes = Enum.GetValues<OrganizationKind>().Select(k => k.ToCode()).ToArray();
}

/// <summary>The authenticated caller: an organization acting through one of its API keys.</summary>
public sealed record Actor(Guid OrganizationId, OrganizationKind Kind)
{
    public bool IsOperator => Kind == OrganizationKind.Operator;

    public bool Is(OrganizationKind kind) => Kind == kind;
}
