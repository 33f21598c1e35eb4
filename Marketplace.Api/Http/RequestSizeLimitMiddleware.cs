namespace Marketplace.Api.Http;

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
