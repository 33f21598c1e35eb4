using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Marketplace.Core.Common;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting.OpenApi;

/// <summary>
/// States in the document the limits the validators enforce, from the attributes on request records and handler
/// parameters (which name the validators' own constants and code lists): <c>[MaxLength]</c>, <c>[MinLength]</c>,
/// <c>[Length]</c> (string length or list size), <c>[Range]</c>, <c>[RegularExpression]</c>, <c>[AllowedValues]</c>,
/// <c>[CodeList]</c> (values from the taxonomy or status codes), <c>[ItemMaxLength]</c> and <c>[Description]</c>.
/// It also notes, per object type, which properties carry <c>[Required]</c>, for <see cref="RequestContractTransformer"/>.
/// </summary>
public sealed class ContractSchemaTransformer : IOpenApiSchemaTransformer
{
    /// <summary>Extension that carries a type's [Required] property names to the document transformer (removed there).</summary>
    public const string RequiredExtension = "x-marketplace-required";

    /// <summary>Extension naming the code list of an enum, so that <see cref="CodeListComponents"/> makes it one shared component.</summary>
    public const string CodeListExtension = "x-marketplace-code-list";

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        NumbersAsNumbers(schema);
        if (context.JsonTypeInfo.Type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))
        {
            ProblemExtensions(schema);
            return Task.CompletedTask;
        }
        var attributes = AttributesOf(context);
        if (attributes.Count > 0)
        {
            var taxonomy = context.ApplicationServices.GetRequiredService<TaxonomyCatalog>();
            Apply(schema, attributes, taxonomy);
        }
        // An object type, whether it is a body, a list item or a property of another (then JsonPropertyInfo is that property).
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && context.JsonTypeInfo.Properties.Count > 0)
        {
            var required = context.JsonTypeInfo.Properties
                .Where(p => AttributesOf(p).OfType<RequiredAttribute>().Any())
                .Select(p => (JsonNode)JsonValue.Create(p.Name))
                .ToArray();
            schema.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            schema.Extensions[RequiredExtension] = new JsonNodeExtension(new JsonArray(required));
        }
        return Task.CompletedTask;
    }

    /// <summary>The members every problem answer of this API adds to RFC 9457's: field-level errors and the ids to quote.</summary>
    private static void ProblemExtensions(OpenApiSchema schema)
    {
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["errors"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "Field-level messages (400): the field as the client sent it (`items[0].text`, a query parameter's name) → its messages, in Chinese with English.",
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
        schema.Properties["correlationId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem: it names the request in the logs." };
        schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The W3C trace context of the request." };
    }

    /// <summary>
    /// The serializer also reads numbers written as strings ("2024"), which the generator states as
    /// <c>["integer", "string"]</c> with a pattern; the contract is the number (what clients should send, what responses hold).
    /// </summary>
    private static void NumbersAsNumbers(OpenApiSchema schema)
    {
        const JsonSchemaType numeric = JsonSchemaType.Integer | JsonSchemaType.Number;
        if (schema.Type is { } type && (type & numeric) != 0 && type.HasFlag(JsonSchemaType.String))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }

    private static List<Attribute> AttributesOf(OpenApiSchemaTransformerContext context)
    {
        if (context.JsonPropertyInfo is { } property)
        {
            return AttributesOf(property);
        }
        // A parameter's attributes apply to its own schema, not again to the items of a list parameter.
        if (context.ParameterDescription?.ParameterDescriptor is IParameterInfoParameterDescriptor parameter
            && context.ParameterDescription.Source.Id is not "Body"
            && context.JsonTypeInfo.Type == (Nullable.GetUnderlyingType(parameter.ParameterInfo.ParameterType) ?? parameter.ParameterInfo.ParameterType))
        {
            // A parameter's [Description] describes the parameter (OperationContractTransformer), not its schema.
            return parameter.ParameterInfo.GetCustomAttributes(inherit: true).OfType<Attribute>().Where(a => a is not DescriptionAttribute).ToList();
        }
        return [];
    }

    /// <summary>A record's attributes sit on its constructor parameter; a class's on its property.</summary>
    private static List<Attribute> AttributesOf(JsonPropertyInfo property) =>
        (property.AttributeProvider?.GetCustomAttributes(inherit: true) ?? [])
            .Concat(property.AssociatedParameter?.AttributeProvider?.GetCustomAttributes(inherit: true) ?? [])
            .OfType<Attribute>()
            .ToList();

    private static void Apply(OpenApiSchema schema, List<Attribute> attributes, TaxonomyCatalog taxonomy)
    {
        var isArray = schema.Type is { } type && type.HasFlag(JsonSchemaType.Array);
        var items = isArray ? schema.Items as OpenApiSchema : null;
        var scalar = items ?? schema;
        foreach (var attribute in attributes)
        {
            switch (attribute)
            {
                case LengthAttribute length when isArray:
                    schema.MinItems = length.MinimumLength;
                    schema.MaxItems = length.MaximumLength;
                    break;
                case LengthAttribute length:
                    schema.MinLength = length.MinimumLength;
                    schema.MaxLength = length.MaximumLength;
                    break;
                case MaxLengthAttribute max when isArray:
                    schema.MaxItems = max.Length;
                    break;
                case MaxLengthAttribute max:
                    schema.MaxLength = max.Length;
                    break;
                case MinLengthAttribute min when isArray:
                    schema.MinItems = min.Length;
                    break;
                case MinLengthAttribute min:
                    schema.MinLength = min.Length;
                    break;
                case ItemMaxLengthAttribute itemMax when items is not null:
                    items.MaxLength = itemMax.Length;
                    break;
                case RangeAttribute range:
                    scalar.Minimum = Bound(range.Minimum);
                    scalar.Maximum = Bound(range.Maximum);
                    break;
                case RegularExpressionAttribute regex:
                    scalar.Pattern = regex.Pattern;
                    break;
                case AllowedValuesAttribute allowed:
                    scalar.Enum = allowed.Values.Select(v => JsonValue.Create(v?.ToString()) as JsonNode).ToList()!;
                    break;
                case CodeListAttribute codes:
                    scalar.Enum = Codes(codes.List, taxonomy).Select(c => (JsonNode)JsonValue.Create(c)).ToList();
                    scalar.MaxLength = null;
                    scalar.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                    scalar.Extensions[CodeListExtension] = new JsonNodeExtension(JsonValue.Create(codes.List.ToString()));
                    break;
                case DescriptionAttribute description when string.IsNullOrEmpty(schema.Description):
                    schema.Description = description.Description;
                    break;
            }
        }
    }

    /// <summary>A bound at the type's own limit (e.g. <c>long.MaxValue</c>) states nothing and is left out.</summary>
    private static string? Bound(object value) => value switch
    {
        int.MaxValue or int.MinValue => null,
        double d when Math.Abs(d) >= long.MaxValue => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>The values of a code list: the same sources the validators check against.</summary>
    public static IEnumerable<string> Codes(CodeList list, TaxonomyCatalog taxonomy) => list switch
    {
        CodeList.Directions => taxonomy.Directions.Select(d => d.Code),
        CodeList.DemandDirections => taxonomy.Directions.Select(d => d.Code).Append(Core.Matching.SupplyDemandStats.Unclassified),
        CodeList.SubDirections => taxonomy.Directions.SelectMany(d => d.SubDirections).Select(s => s.Code),
        CodeList.Districts => taxonomy.Districts.Select(d => d.Name),
        CodeList.ServiceAreas => taxonomy.Districts.Select(d => d.Name).Append(TaxonomyCatalog.WholeCityName),
        CodeList.OfferingTypes => taxonomy.Document.OfferingTypes.Select(t => t.Code),
        CodeList.DeploymentModes => taxonomy.Document.DeploymentModes.Select(t => t.Code),
        CodeList.EnterpriseScales => taxonomy.Document.EnterpriseScales,
        CodeList.OrganizationKinds => OrganizationKinds.Codes,
        CodeList.OfferingStatuses => OfferingStatuses.Codes,
        CodeList.SearchSorts => SearchSorts.ByCode.Keys,
        CodeList.PlanStatuses => Core.Plans.PlanStatuses.Codes,
        CodeList.DiagnosticDimensions => Core.Diagnostics.DiagnosticModel.Default.Dimensions.Select(d => d.Code),
        CodeList.FindingSeverities => Core.Diagnostics.DiagnosticModel.Default.Severities.Select(s => s.Code),
        CodeList.FinancingStatuses => Core.Financing.FinancingStatuses.Codes,
        CodeList.DiagnosisStatuses => Core.Diagnostics.DiagnosisStatuses.Codes,
        CodeList.ExportKinds => Core.Bulk.ExportKinds.Codes,
        CodeList.ExportStatuses => Core.Bulk.ExportKinds.Codes.SelectMany(Core.Bulk.ExportKinds.StatusesOf).Distinct(),
        CodeList.TableFormats => ["csv", "xlsx"],
        CodeList.EngagementActions => Marketplace.Core.Engagements.EngagementStateMachine.Actions,
        CodeList.EngagementStatuses => Marketplace.Core.Engagements.EngagementStatuses.Codes,
        CodeList.OutcomeDimensions => Marketplace.Core.Engagements.Outcomes.Dimensions.Select(d => d.Code),
        CodeList.OutcomeUnits => Marketplace.Core.Engagements.Outcomes.Units.Select(u => u.Code),
        CodeList.CaseStatuses => Marketplace.Core.Cases.CaseStatuses.Codes,
        CodeList.WebhookEventTypes => Marketplace.Core.Webhooks.WebhookEventTypes.All.Select(t => t.Code),
        CodeList.WebhookDeliveryStatuses => Marketplace.Core.Webhooks.WebhookDeliveryStatuses.Codes,
        _ => throw new ArgumentOutOfRangeException(nameof(list), list, "A code list without values."),
    };
}
