using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Marketplace.Api.Http;

/// <summary>A minimal-API handler's parameters as a client sees them: their names on the wire and which come from the query string.</summary>
internal static class HandlerParameters
{
    /// <summary>The parameters the framework binds from the query string: values of a simple type (or a list of them) that are not route values and carry no other source.</summary>
    public static IEnumerable<ParameterInfo> FromQuery(IEnumerable<ParameterInfo> parameters, Func<string, bool> isRouteValue) =>
        parameters.Where(p => p.Name is not null && !isRouteValue(p.Name) && IsSimple(p.ParameterType.IsArray ? p.ParameterType.GetElementType()! : p.ParameterType)
            && p.GetCustomAttributes(inherit: true).OfType<IBindingSourceMetadata>().All(b => b.BindingSource == BindingSource.Query));

    /// <summary>The name in the query string, route or header (<c>[FromQuery(Name = "…")]</c>), else the C# name.</summary>
    public static string WireName(ParameterInfo parameter) =>
        parameter.GetCustomAttributes(inherit: true).Select(a => a switch
        {
            IFromQueryMetadata q => q.Name,
            IFromRouteMetadata r => r.Name,
            IFromHeaderMetadata h => h.Name,
            _ => null,
        }).FirstOrDefault(n => !string.IsNullOrEmpty(n)) ?? parameter.Name!;

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateOnly) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeOnly);
    }
}
