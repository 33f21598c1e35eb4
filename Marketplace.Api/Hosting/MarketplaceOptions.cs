using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Hosting;

/// <summary>Bound from the <c>Marketplace</c> configuration section and validated at start-up.</summary>
public sealed class MarketplaceOptions
{
    public const string Section = "Marketplace";

    /// <summary>Folder for the SQLite file, the Lucene index and the generated operator key.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Loads the demo catalog (all eight directions) when the catalog is empty.</summary>
    public bool SeedDemo { get; set; }

    [Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    [ValidateObjectMembers]
    public AuthOptions Auth { get; set; } = new();

    [ValidateObjectMembers]
    public RateLimitOptions RateLimit { get; set; } = new();
}

public sealed class AuthOptions : IValidatableObject
{
    public const int MinimumKeyLength = 24;

    /// <summary>The first operator's API key. When unset (or empty), one is generated on first start and written to the data folder.</summary>
    public string? OperatorKey { get; set; }

    // Keys are stored as unsalted hashes, which is safe only for long random keys.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(OperatorKey) && OperatorKey.Trim().Length < MinimumKeyLength)
        {
            yield return new ValidationResult($"Marketplace:Auth:OperatorKey must be at least {MinimumKeyLength} characters (or unset to generate one).", [nameof(OperatorKey)]);
        }
    }
}

public sealed class RateLimitOptions
{
    /// <summary>Requests without an API key (and requests with an invalid one, which are refused) allowed per client address in each window.</summary>
    [Range(1, 1_000_000)]
    public int AnonymousPermitLimit { get; set; } = 600;

    /// <summary>Requests allowed per authenticated organization (all its keys, all addresses together) in each window.</summary>
    [Range(1, 1_000_000)]
    public int AuthenticatedPermitLimit { get; set; } = 6_000;

    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;
}
