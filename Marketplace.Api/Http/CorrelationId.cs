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

/// <summary>
/// Refuses bodies over the configured size (or the endpoint's own) with 413 and the limit: at once when the declared
/// <c>Content-Length</c> is over it, else while the body is read (a chunked body). The server then stops the read: a handler
/// reading the body sees a <see cref="BadHttpRequestException"/> (413), and the framework's JSON body binding catches that
/// exception itself and leaves an empty 413 response — both are answered here, like the declared case. An encoded body
/// (<c>Content-Encoding</c> other than identity) is a 415: bodies are not decoded.
/// </summary>
public sealed class RequestSizeLimitMiddleware(RequestDelegate next, long defaultMaxBytes)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // An endpoint may carry its own limit (file uploads); routing has chosen the endpoint before this runs.
        // Bodies are not decoded: a gzip body would otherwise read as malformed JSON, and one labelled br but plain would pass.
        if (context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is not null
            && context.Request.Headers.ContentEncoding.Any(e => !string.Equals(e?.Trim(), "identity", StringComparison.OrdinalIgnoreCase)))
        {
            await Problems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "不支持的内容编码 (unsupported content encoding)",
                "请求体不能压缩，请去掉 Content-Encoding (send the body uncompressed, without Content-Encoding).");
            return;
        }
        var maxBytes = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaultMaxBytes;
        if (context.Request.ContentLength > maxBytes)
        {
            await TooLargeAsync(context, maxBytes);
            return;
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes;
        }
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await TooLargeAsync(context, maxBytes);
            return;
        }
        if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await TooLargeAsync(context, maxBytes);
        }
    }

    private static Task TooLargeAsync(HttpContext context, long maxBytes) =>
        Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, Problems.PayloadTooLargeTitle,
            $"请求体不能超过 {maxBytes} 字节 (request bodies are limited to {maxBytes} bytes).");
}
