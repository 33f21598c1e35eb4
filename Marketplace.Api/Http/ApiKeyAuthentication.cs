using System.Security.Claims;
using System.Text.Encodings.Web;
using Marketplace.Core.Common;
using Marketplace.Core.Organizations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Http;

/// <summary>Authenticates the <c>X-Api-Key</c> header against the stored key hashes.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OrganizationStore organizations)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>The id of the API key a request came with.</summary>
    public const string KeyIdClaim = "marketplace:key_id";

    /// <summary>The <c>WWW-Authenticate</c> challenge of every 401 (RFC 9110 §11.6.1): the scheme and where the key goes.</summary>
    public const string Challenge = $"{SchemeName} header=\"{HeaderName}\"";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return AuthenticateResult.NoResult();
        }
        // A header that is present but blank is a malformed key, not an anonymous request.
        var secret = values.ToString().Trim();
        if (secret.Length == 0)
        {
            return AuthenticateResult.Fail("Empty API key.");
        }
        if (secret.Length > 200)
        {
            return AuthenticateResult.Fail("Invalid API key.");
        }
        if (await organizations.AuthenticateAsync(secret, Context.RequestAborted) is not var (actor, keyId))
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, actor.OrganizationId.ToString()),
                new Claim(ClaimTypes.Role, actor.Kind.ToCode()),
                new Claim(KeyIdClaim, keyId.ToString()),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = await HandleAuthenticateOnceSafeAsync();
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, Problems.UnauthorizedTitle, failure.Failure?.Message ?? Problems.MissingKeyDetail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, Problems.ForbiddenTitle, "此 API key 所属机构无权执行该操作 (your organization's kind may not do this).");
}

public static class Policies
{
    public const string Operator = "operator";
    public const string Integrator = "integrator";
    public const string Enterprise = "enterprise";
    public const string CapabilityCenter = "capability-center";
    public const string District = "district";
    public const string Assessor = "assessor";

    /// <summary>Operators and district offices (registering and listing a district's enterprises, financing exports).</summary>
    public const string OperatorOrDistrict = "operator-or-district";

    /// <summary>Read access to matches and statistics: the capability center, and operators.</summary>
    public const string Insight = "insight";
}

public static class ActorExtensions
{
    /// <summary>The authenticated caller, or null for an anonymous request.</summary>
    public static Actor? FindActor(this ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var role = user.FindFirstValue(ClaimTypes.Role);
        return id is not null && OrganizationKinds.TryParse(role, out var kind) ? new Actor(Guid.Parse(id), kind) : null;
    }

    /// <summary>The id of the API key the caller authenticated with.</summary>
    public static Guid GetKeyId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim)!);

    /// <summary>The caller on an endpoint that requires authorization.</summary>
    public static Actor GetActor(this ClaimsPrincipal user) =>
        user.FindActor() ?? throw new InvalidOperationException("Endpoint requires authorization but no actor was found.");
}
