using System.Reflection;
using System.Runtime.CompilerServices;
using Marketplace.Core.Common;
using Microsoft.AspNetCore.Http.Metadata;

namespace Marketplace.Api.Http;

/// <summary>
/// If-Match sent to a state-changing endpoint whose handler does not read it: what it changes hands out no ETag, so a list
/// of entity tags never names the current one, and the change must not go ahead (RFC 9110 §13.1.1): 412. <c>*</c> passes.
/// Endpoints that hand out ETags take If-Match and compare it themselves (<see cref="Preconditions"/>). Runs just before
/// the endpoint, after the request's other checks but before the handler's own (a 412 here comes before its 404).
/// </summary>
public sealed class IfMatchWithoutETagMiddleware(RequestDelegate next)
{
    private static readonly ConditionalWeakTable<Endpoint, StrongBox<bool>> ReadsIfMatchByEndpoint = [];

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.IfMatch.Count > 0 && Preconditions.NamesAVersion(request.Headers.IfMatch.ToString())
            && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method))
            && context.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<MethodInfo>() is not null
            && !ReadsIfMatchByEndpoint.GetValue(endpoint, e => new StrongBox<bool>(ReadsIfMatch(e))).Value)
        {
            await Problems.WriteAsync(context, StatusCodes.Status412PreconditionFailed, Problems.PreconditionFailedTitle,
                "此操作的对象没有 ETag，If-Match 无从匹配；请去掉 If-Match (what this changes has no ETag, so If-Match naming one never matches; leave it out).");
            return;
        }
        await next(context);
    }

    /// <summary>Whether the endpoint's handler takes the If-Match header.</summary>
    private static bool ReadsIfMatch(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<MethodInfo>()?.GetParameters().Any(p =>
            p.GetCustomAttributes(inherit: true).OfType<IFromHeaderMetadata>().Any(h => string.Equals(h.Name, "If-Match", StringComparison.OrdinalIgnoreCase))) ?? false;
}
