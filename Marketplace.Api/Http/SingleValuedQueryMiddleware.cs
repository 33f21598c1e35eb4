using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.Http;

/// <summary>
/// A query parameter an endpoint takes once, sent more than once (<c>q=x&amp;q=y</c>, <c>format=csv&amp;format=xlsx</c>), is a
/// 400 naming each such parameter: the framework would bind a text as the values joined by commas (a search for "x,y") and
/// a number as a failure to read "1,2". Parameters that take a list (arrays) are not touched. Runs just before the endpoint,
/// where the framework's own binding errors arise.
/// </summary>
public sealed class SingleValuedQueryMiddleware(RequestDelegate next)
{
    private static readonly ConditionalWeakTable<Endpoint, string[]> SingleValuedByEndpoint = [];

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Query.Count > 0 && context.GetEndpoint() is { } endpoint)
        {
            Dictionary<string, string[]>? repeated = null;
            foreach (var name in SingleValuedByEndpoint.GetValue(endpoint, SingleValued))
            {
                if (context.Request.Query[name].Count is > 1 and var count)
                {
                    (repeated ??= [])[name] = [$"只能给一个值 (one value only; got {count})."];
                }
            }
            if (repeated is not null)
            {
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, Problems.ValidationTitle,
                    $"参数 {string.Join("、", repeated.Keys)} 只能出现一次 (each of these query parameters takes one value).", repeated);
                return;
            }
        }
        await next(context);
    }

    /// <summary>The endpoint handler's query parameters that take one value (not a list).</summary>
    private static string[] SingleValued(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } handler)
        {
            return [];
        }
        var route = (endpoint as RouteEndpoint)?.RoutePattern;
        return HandlerParameters.FromQuery(handler.GetParameters(), name => route?.GetParameter(name) is not null)
            .Where(p => !p.ParameterType.IsArray)
            .Select(HandlerParameters.WireName)
            .ToArray();
    }
}
