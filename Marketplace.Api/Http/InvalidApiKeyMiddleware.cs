using Microsoft.AspNetCore.Authentication;

namespace Marketplace.Api.Http;

/// <summary>
/// A request that sends an <c>X-Api-Key</c> that is unknown, revoked or malformed is refused with 401 on every path,
/// including those open to anonymous callers: a bad key is a client error to report, never a reason to serve the request
/// as anonymous. A request without the header is anonymous.
/// </summary>
public sealed class InvalidApiKeyMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true && context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName))
        {
            // The handler's result is cached for the request: no second key lookup.
            var result = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
            if (result.Failure is not null)
            {
                await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, Problems.UnauthorizedTitle,
                    $"API key 无效或已吊销 ({result.Failure.Message} Send a valid key in the {ApiKeyAuthenticationHandler.HeaderName} header, or none for public reads).");
                return;
            }
        }
        await next(context);
    }
}
