using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Api.Http;

/// <summary>
/// Checks the query string against the endpoint handler's query parameters where the framework's binding would silently
/// read something other than what the client sent, and answers a 400 naming each such parameter:
/// <list type="bullet">
/// <item>a parameter that takes one value, sent more than once (<c>q=x&amp;q=y</c>, <c>format=csv&amp;format=xlsx</c>): a
/// text would be bound as the values joined by commas (a search for "x,y"), a number as a failure to read "1,2"; parameters
/// that take a list (arrays) may repeat;</item>
/// <item>a date not written yyyy-MM-dd, as the contract says: the framework would read <c>01/02/2026</c> as January 2 and
/// <c>2026-01-01T10:00</c> as its date. A value that is no date at all is left to the framework's binding error, which
/// names every bad parameter.</item>
/// </list>
/// The answer names the other bad query parameters as well, as the binding error does. Runs just before the endpoint, where
/// the framework's own binding errors arise.
/// </summary>
public sealed class QueryValuesMiddleware(RequestDelegate next)
{
    private static readonly ConditionalWeakTable<Endpoint, Handler> HandlersByEndpoint = [];

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Query.Count > 0 && context.GetEndpoint() is { } endpoint)
        {
            var handler = HandlersByEndpoint.GetValue(endpoint, Read);
            Dictionary<string, string[]>? errors = null;
            foreach (var parameter in handler.Query)
            {
                var values = context.Request.Query[parameter.Name];
                if (!parameter.IsList && values.Count is > 1 and var count)
                {
                    (errors ??= [])[parameter.Name] = [$"只能给一个值 (one value only; got {count})."];
                }
                else if (parameter.IsDate && values.FirstOrDefault(v => v is not null && !HandlerParameters.IsDate(v) && HandlerParameters.FrameworkReadsDate(v)) is { } loose)
                {
                    (errors ??= [])[parameter.Name] = [$"日期须写作 yyyy-MM-dd，收到 \"{Shorten(loose)}\" (a date must be written yyyy-MM-dd)."];
                }
            }
            if (errors is not null)
            {
                foreach (var (name, messages) in HandlerParameters.BadQueryValues(context, handler.Parameters))
                {
                    errors.TryAdd(name, messages);
                }
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, Problems.ValidationTitle,
                    string.Join("；", errors.Select(e => $"{e.Key}: {e.Value[0]}")), errors);
                return;
            }
        }
        await next(context);
    }

    private static string Shorten(string value) => value.Length > 50 ? value[..50] + "…" : value;

    private sealed record QueryParameter(string Name, bool IsList, bool IsDate);

    /// <summary>The endpoint handler's parameters, and those of them that come from the query string.</summary>
    private sealed record Handler(ParameterInfo[] Parameters, QueryParameter[] Query);

    private static Handler Read(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } method)
        {
            return new Handler([], []);
        }
        var parameters = method.GetParameters();
        var route = (endpoint as RouteEndpoint)?.RoutePattern;
        var query = HandlerParameters.FromQuery(parameters, name => route?.GetParameter(name) is not null)
            .Select(p => new QueryParameter(HandlerParameters.WireName(p), p.ParameterType.IsArray,
                (Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) == typeof(DateOnly)))
            .ToArray();
        return new Handler(parameters, query);
    }
}
