using System.Globalization;
using System.Threading.RateLimiting;
using Marketplace.Api.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Http;

/// <summary>
/// Every request under <c>/api</c> counts against one fixed window: its organization's when its API key is valid (all keys
/// and addresses of the organization together), otherwise its client address's — requests without a key and requests with
/// an unknown or revoked key alike (those are then refused with 401, see <see cref="InvalidApiKeyMiddleware"/>), so a
/// made-up key neither escapes the anonymous limit nor gets a request served. A refusal is 429 with <c>Retry-After</c>:
/// the seconds left in the caller's window. Windows are numbered from the epoch, each caller's shifted by a stable offset of
/// its own (so that callers' windows do not all open at once); a window's counter is a partition of its own, dropped by the
/// limiter once idle, so the time left is known exactly.
/// </summary>
public static class RateLimits
{
    public static RateLimitPartition<string> Partition(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            return RateLimitPartition.GetNoLimiter("outside-api");
        }
        if (HttpWarmUp.IsWarmUpRequest(context))
        {
            return RateLimitPartition.GetNoLimiter("warm-up");
        }
        var limits = context.RequestServices.GetRequiredService<IOptions<MarketplaceOptions>>().Value.RateLimit;
        var (caller, permits) = Caller(context, limits);
        var window = Window(context, caller, limits.WindowSeconds);
        return FixedWindow($"{caller}@{window.Number}", permits, limits.WindowSeconds);
    }

    private static (string Caller, int Permits) Caller(HttpContext context, RateLimitOptions limits) =>
        context.User.FindActor()?.OrganizationId is { } id
            ? ("organization:" + id.ToString("N"), limits.AuthenticatedPermitLimit)
            : ("address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"), limits.AnonymousPermitLimit);

    /// <summary>The caller's current window: its number and the seconds until it ends.</summary>
    private static (long Number, int SecondsLeft) Window(HttpContext context, string caller, int windowSeconds)
    {
        var offset = (StringComparer.Ordinal.GetHashCode(caller) & int.MaxValue) % windowSeconds; // stable within the process, like the counters
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds() + offset * 1000L;
        var length = windowSeconds * 1000L;
        return (now / length, (int)Math.Ceiling((length - now % length) / 1000.0));
    }

    public static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var limits = http.RequestServices.GetRequiredService<IOptions<MarketplaceOptions>>().Value.RateLimit;
        var seconds = Math.Max(1, Window(http, Caller(http, limits).Caller, limits.WindowSeconds).SecondsLeft);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = http.User.FindActor() is null
            ? $"匿名访问已达频率上限（每 {limits.WindowSeconds} 秒 {limits.AnonymousPermitLimit} 次），请 {seconds} 秒后重试或使用 API key " +
              $"(the limit of {limits.AnonymousPermitLimit} requests per {limits.WindowSeconds} s without an API key is reached for your address; retry after {seconds} s)."
            : $"该机构的请求已达频率上限（每 {limits.WindowSeconds} 秒 {limits.AuthenticatedPermitLimit} 次），请 {seconds} 秒后重试 " +
              $"(your organization's limit of {limits.AuthenticatedPermitLimit} requests per {limits.WindowSeconds} s is reached; retry after {seconds} s).";
        await Problems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "请求过于频繁 (too many requests)", detail);
    }

    private static RateLimitPartition<string> FixedWindow(string key, int permits, int windowSeconds) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromSeconds(windowSeconds),
            QueueLimit = 0,
        });
}
