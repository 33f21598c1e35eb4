namespace Marketplace.Core.Common;

public enum OrganizationKind
{
    Operator,
    Integrator,
    Enterprise,
    CapabilityCenter,
}

public static class OrganizationKinds
{
    public static string ToCode(this OrganizationKind kind) => kind switch
    {
        OrganizationKind.Operator => "operator",
        OrganizationKind.Integrator => "integrator",
        OrganizationKind.Enterprise => "enterprise",
        OrganizationKind.CapabilityCenter => "capability-center",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? code, out OrganizationKind kind)
    {
        foreach (var candidate in Enum.GetValues<OrganizationKind>())
        {
            if (candidate.ToCode() == code)
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    public static readonly IReadOnlyList<string> Codes = Enum.GetValues<OrganizationKind>().Select(k => k.ToCode()).ToArray();
}

/// <summary>The authenticated caller: an organization acting through one of its API keys.</summary>
public sealed record Actor(Guid OrganizationId, OrganizationKind Kind)
{
    public bool IsOperator => Kind == OrganizationKind.Operator;
}
