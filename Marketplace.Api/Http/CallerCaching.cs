using Microsoft.Net.Http.Headers;

namespace Marketplace.Api.Http;

/// <summary>
/// What an answer shows can depend on the caller's key (an owner sees its draft revision, a party its engagements), so a
/// shared cache in front of the API must not hand one caller's answer to another: every answer varies by
/// <c>X-Api-Key</c>, and one given to a key is <c>private</c> unless its endpoint declared it public (the taxonomy, the
/// scoreboard chart are the same for everyone).
/// </summary>
public sealed class CallerCachingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.Append(HeaderNames.Vary, ApiKeyAuthenticationHandler.HeaderName);
            if (context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                && !headers.CacheControl.ToString().Contains("public", StringComparison.OrdinalIgnoreCase))
            {
                headers.CacheControl = "private";
            }
            return Task.CompletedTask;
        });
        return next(context);
    }
}
