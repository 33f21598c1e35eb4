using System.Reflection;
using Marketplace.Core.Common;
using Microsoft.AspNetCore.Http.Metadata;

namespace Marketplace.Api.Http;

/// <summary>
/// 304 Not Modified (RFC 9110 §15.4.5): the caller's If-None-Match names the version it would be sent. No body; the ETag,
/// and the <c>Vary</c> and <c>Cache-Control</c> the full answer would carry (<see cref="CallerCachingMiddleware"/> adds them
/// to every answer). A read answers it after reading the resource as the caller, so one who may not see it still gets its
/// 401 or 404. Only reads whose ETag changes with everything their answer shows may answer it: the ETag is the row's
/// version, and an answer that also lists other resources (an offering's verified cases, a plan's engagements) or shows
/// another's title or text (an engagement's demand item) can change under an unchanged ETag.
/// </summary>
public sealed class NotModified : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private readonly string _etag;

    private NotModified(string etag) => _etag = etag;

    /// <summary>304 when <paramref name="ifNoneMatch"/> names <paramref name="etag"/> or is <c>*</c>; otherwise null (answer in full).</summary>
    public static NotModified? When(string? ifNoneMatch, string etag) =>
        Preconditions.IsUnchanged(ifNoneMatch, etag) ? new NotModified(etag) : null;

    public int? StatusCode => StatusCodes.Status304NotModified;

    public Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status304NotModified;
        context.Response.Headers.ETag = _etag;
        return Task.CompletedTask;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
}
