using System.Diagnostics;

namespace Marketplace.Api.Http;

/// <summary>
/// Gives every request a correlation id (client's X-Correlation-Id when sane), echoes it and logs the request with it:
/// failed (4xx/5xx) and slow requests at Information, the rest at Debug — a console line per request costs more than a
/// search at a thousand requests a second (set this category to Debug for a full access log).
/// </summary>
public sealed class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public const string HeaderName = "X-Correlation-Id";

    private static readonly TimeSpan SlowRequest = TimeSpan.FromSeconds(1);

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        var id = incoming.Length is > 0 and <= 64 && incoming.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? incoming
            : Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        context.TraceIdentifier = id;
        // Set as the answer starts, not now: the exception handler clears the response's headers before it writes a problem.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = id;
            return Task.CompletedTask;
        });
        using var scope = logger.BeginScope("CorrelationId:{CorrelationId}", id);
        var started = Stopwatch.GetTimestamp();
        // Logged once the response is complete: an exception thrown below is turned into its status (400, 404 …) by the
        // exception handler outside this middleware, so the status seen here on the way out may not be the final one.
        context.Response.OnCompleted(() =>
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var level = context.Response.StatusCode >= 400 || elapsed >= SlowRequest ? LogLevel.Information : LogLevel.Debug;
            if (logger.IsEnabled(level))
            {
                logger.Log(level, "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms (correlation id {CorrelationId})",
                    context.Request.Method, context.Request.Path.Value, context.Response.StatusCode, elapsed.TotalMilliseconds, id);
            }
            return Task.CompletedTask;
        });
        await next(context);
    }
}
