using Marketplace.Core.Common;

namespace Marketplace.Core.Organizations;

public sealed record Organization(
    Guid Id,
    OrganizationKind Kind,
    string Name,
    string CreditCode,
    string District,
    string? Industry,
    string? Scale,
    bool DiscloseName,
    DateTimeOffset CreatedAt);

/// <summary>What a client sends to register an organization.</summary>
public sealed record NewOrganization(
    string? Kind,
    string? Name,
    string? CreditCode,
    string? District,
    string? Industry,
    string? Scale,
    bool? DiscloseName);

public sealed record ApiKeyInfo
{
    public Guid Id { get; init; }
    public string Prefix { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>A freshly issued key: the secret is only ever returned here.</summary>
public sealed record IssuedApiKey(Guid Id, string Prefix, string Secret, DateTimeOffset CreatedAt);
