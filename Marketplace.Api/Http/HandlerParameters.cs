using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Marketplace.Core.Common;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Marketplace.Api.Http;

/// <summary>A minimal-API handler's parameters as a client sees them: their names on the wire, which come from the query string, and what their values must be.</summary>
internal static partial class HandlerParameters
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

    /// <summary>A date as the contract writes it, yyyy-MM-dd (as JSON bodies are read).</summary>
    public static bool IsDate(string value) => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>Whether the framework's binding reads a date from <paramref name="value"/>: it also takes 01/02/2026 (January 2), 2026/1/1 and date-times.</summary>
    public static bool FrameworkReadsDate(string value) => DateOnly.TryParse(value, CultureInfo.InvariantCulture, out _);

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateOnly) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeOnly);
    }

    /// <summary>
    /// The handler's query parameters (but <paramref name="except"/>) whose value in the request does not parse as their type, or, parsed, lies
    /// outside the parameter's declared <see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/> (the handler would have said so had binding reached it).
    /// </summary>
    public static Dictionary<string, string[]> BadQueryValues(HttpContext context, ParameterInfo[] parameters, ParameterInfo? except = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var outOfRange = new Validator();
        foreach (var parameter in FromQuery(parameters, context.Request.RouteValues.ContainsKey).Where(p => p != except))
        {
            var field = WireName(parameter);
            if (!context.Request.Query.TryGetValue(field, out var values))
            {
                continue;
            }
            var bad = values.FirstOrDefault(v => v is not null && !Parses(parameter.ParameterType, v));
            if (bad is not null)
            {
                var (zh, en) = ExpectedValue(parameter.ParameterType, bad);
                errors[field] = [$"{zh} ({en})"];
            }
            else if (parameter.GetCustomAttribute<System.ComponentModel.DataAnnotations.RangeAttribute>() is { Minimum: int min, Maximum: int max }
                && values.Count == 1 && long.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                outOfRange.Range(field, number, min, max);
            }
        }
        foreach (var (field, messages) in outOfRange.Errors())
        {
            errors[field] = messages;
        }
        return errors;
    }

    /// <summary>Whether <paramref name="value"/> parses as <paramref name="type"/> as the framework binds it (a date as the contract writes it, yyyy-MM-dd); true for types it does not know.</summary>
    private static bool Parses(Type type, string value)
    {
        type = type.IsArray ? type.GetElementType()! : type;
        type = Nullable.GetUnderlyingType(type) ?? type;
        var invariant = CultureInfo.InvariantCulture;
        const NumberStyles number = NumberStyles.Float | NumberStyles.AllowThousands;
        return type.IsEnum ? Enum.TryParse(type, value, ignoreCase: true, out _)
            : Type.GetTypeCode(type) switch
            {
                TypeCode.Int16 => short.TryParse(value, NumberStyles.Integer, invariant, out _),
                TypeCode.Int32 => int.TryParse(value, NumberStyles.Integer, invariant, out _),
                TypeCode.Int64 => long.TryParse(value, NumberStyles.Integer, invariant, out _),
                TypeCode.Double => double.TryParse(value, number, invariant, out _),
                TypeCode.Decimal => decimal.TryParse(value, number, invariant, out _),
                TypeCode.Boolean => bool.TryParse(value, out _),
                _ when type == typeof(Guid) => Guid.TryParse(value, out _),
                _ when type == typeof(DateOnly) => IsDate(value),
                _ when type == typeof(DateTimeOffset) => DateTimeOffset.TryParse(value, invariant, DateTimeStyles.AllowWhiteSpaces, out _),
                _ => true,
            };
    }

    /// <summary>What a value of <paramref name="type"/> must be, in Chinese and English.</summary>
    public static (string Zh, string En) ExpectedValue(Type? type, string value)
    {
        type = type is { IsArray: true } ? type.GetElementType() : type; // a repeated query parameter: each value
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is { IsEnum: true })
        {
            return ("取值无效", $"must be one of: {string.Join(", ", Enum.GetNames(type))}");
        }
        var whole = WholeNumber().IsMatch(value); // an integer that overflows the type
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Int32 when whole => ($"必须是 {int.MinValue} 到 {int.MaxValue} 之间的整数", $"must be an integer between {int.MinValue} and {int.MaxValue}"),
            TypeCode.Int64 when whole => ($"必须是 {long.MinValue} 到 {long.MaxValue} 之间的整数", $"must be an integer between {long.MinValue} and {long.MaxValue}"),
            TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64
                => ("必须是整数", "must be an integer"),
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => ("必须是数字", "must be a number"),
            TypeCode.Boolean => ("必须是 true 或 false", "must be true or false"),
            TypeCode.DateTime => ("必须是 ISO 8601 日期时间", "must be an ISO 8601 date-time"),
            _ when type == typeof(Guid) => ("必须是 UUID", "must be a UUID"),
            _ when type == typeof(DateTimeOffset) => ("必须是 ISO 8601 日期时间", "must be an ISO 8601 date-time"),
            _ when type == typeof(DateOnly) => ("必须是日期 yyyy-MM-dd", "must be a date, yyyy-MM-dd"),
            _ when type == typeof(TimeOnly) => ("必须是时间 HH:mm:ss", "must be a time, HH:mm:ss"),
            _ => ("格式不正确", "invalid value"),
        };
    }

    [GeneratedRegex(@"^[+-]?[0-9]+$")]
    private static partial Regex WholeNumber();
}
