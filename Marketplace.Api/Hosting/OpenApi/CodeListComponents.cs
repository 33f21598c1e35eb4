using System.Text.Json.Nodes;
using Marketplace.Core.Common;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting.OpenApi;

/// <summary>
/// Each code list (<see cref="CodeListAttribute"/>) becomes one named component (<c>DistrictName</c>, <c>DirectionCode</c>…)
/// that every property and parameter using it references, so generated clients get one type per list, not one per use.
/// </summary>
public sealed class CodeListComponents : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<CodeList, (string Name, string Description)> Names = new()
    {
        [CodeList.Directions] = ("DirectionCode", "A priority direction's code (GET /api/v1/taxonomy directions)."),
        [CodeList.DemandDirections] = ("DemandDirectionCode", "A demand item's direction: a priority direction's code, or unclassified when none was stated or inferred (as GET /api/v1/stats/supply-demand groups items)."),
        [CodeList.SubDirections] = ("SubDirectionCode", "A technology item's code (GET /api/v1/taxonomy directions[].subDirections)."),
        [CodeList.Districts] = ("DistrictName", "A district or county of Chongqing by its name (GET /api/v1/taxonomy districts)."),
        [CodeList.ServiceAreas] = ("ServiceArea", "A district served, or 全市 for the whole city."),
        [CodeList.OfferingTypes] = ("OfferingTypeCode", "An offering type (GET /api/v1/taxonomy offeringTypes)."),
        [CodeList.DeploymentModes] = ("DeploymentModeCode", "A deployment mode (GET /api/v1/taxonomy deploymentModes)."),
        [CodeList.EnterpriseScales] = ("EnterpriseScale", "An enterprise's scale (GET /api/v1/taxonomy enterpriseScales)."),
        [CodeList.OrganizationKinds] = ("OrganizationKindCode", "What an organization is; it decides what its API keys may do."),
        [CodeList.OfferingStatuses] = ("OfferingStatusCode", "An offering's review status."),
        [CodeList.SearchSorts] = ("SearchSortCode", "The order of search results."),
        [CodeList.EngagementActions] = ("EngagementActionCode", "A step of an engagement (docs/engagements.md has the state machine)."),
        [CodeList.EngagementStatuses] = ("EngagementStatusCode", "Where an engagement stands."),
        [CodeList.OutcomeDimensions] = ("OutcomeDimensionCode", "One of the plan's 五个优化 an outcome is measured against."),
        [CodeList.OutcomeUnits] = ("OutcomeUnitCode", "The unit of a measured outcome."),
        [CodeList.CaseStatuses] = ("CaseStatusCode", "A case's review status."),
        [CodeList.WebhookEventTypes] = ("WebhookEventType", "An event a webhook endpoint can subscribe to (docs/webhooks.md)."),
        [CodeList.WebhookDeliveryStatuses] = ("WebhookDeliveryStatusCode", "Where a webhook delivery stands."),
        [CodeList.PlanStatuses] = ("PlanStatusCode", "A plan project's status: intent 意向, diagnosed 已诊断, engaged 已对接, implementing 实施中, completed 已完成, abandoned 放弃."),
        [CodeList.DiagnosticDimensions] = ("DiagnosticDimensionCode", "A dimension a diagnosis scores (GET /api/v1/diagnoses/model)."),
        [CodeList.FindingSeverities] = ("FindingSeverityCode", "How serious a diagnosis finding is."),
        [CodeList.FinancingStatuses] = ("FinancingStatusCode", "Where a financing need stands."),
        [CodeList.DiagnosisStatuses] = ("DiagnosisStatusCode", "Where a diagnosis stands: assigned to an assessor, a report submitted, or its demand list accepted by the enterprise."),
        [CodeList.ExportKinds] = ("ExportKindCode", "What an operator export contains (docs/bulk-files.md)."),
        [CodeList.ExportStatuses] = ("ExportStatusCode", "An export's status filter: live or all for offerings, open or closed for demand lists."),
        [CodeList.TableFormats] = ("TableFormatCode", "A spreadsheet format: csv (UTF-8 with BOM) or xlsx."),
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        var schemas = document.Components.Schemas;
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>().ToArray())
        {
            RewriteChildren(schema, document);
        }
        foreach (var operation in (document.Paths ?? []).SelectMany(p => p.Value.Operations ?? []).Select(o => o.Value))
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
            {
                parameter.Schema = Rewrite(parameter.Schema, document);
            }
        }
        return Task.CompletedTask;
    }

    private static IOpenApiSchema? Rewrite(IOpenApiSchema? schema, OpenApiDocument document)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return schema;
        }
        if (concrete.Extensions is { } extensions && extensions.Remove(ContractSchemaTransformer.CodeListExtension, out var mark)
            && mark is JsonNodeExtension { Node: JsonValue value } && Enum.TryParse<CodeList>(value.GetValue<string>(), out var list))
        {
            var (name, description) = Names[list];
            if (!document.Components!.Schemas!.ContainsKey(name))
            {
                document.Components.Schemas[name] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = concrete.Enum, Description = description };
            }
            return new OpenApiSchemaReference(name, document);
        }
        RewriteChildren(concrete, document);
        return concrete;
    }

    private static void RewriteChildren(OpenApiSchema schema, OpenApiDocument document)
    {
        foreach (var key in (schema.Properties?.Keys ?? []).ToArray())
        {
            schema.Properties![key] = Rewrite(schema.Properties[key], document)!;
        }
        schema.Items = Rewrite(schema.Items, document);
    }
}
