using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting.OpenApi;

/// <summary>
/// A nullable <see cref="System.Text.Json.JsonElement"/> property (a webhook delivery's payload) is generated as
/// <c>oneOf: [null, JsonElement]</c>, but <c>JsonElement</c> is the empty schema, which null also matches: every answer
/// with a null would match both branches and fail <c>oneOf</c>. The property becomes the empty schema alone (any value,
/// null included).
/// </summary>
public sealed class AnyValueProperties : IOpenApiDocumentTransformer
{
    private const string AnyValue = nameof(System.Text.Json.JsonElement);

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var schema in (document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>()).Values.OfType<OpenApiSchema>())
        {
            foreach (var (name, property) in (schema.Properties ?? new Dictionary<string, IOpenApiSchema>()).ToArray())
            {
                if (property.OneOf is { Count: 2 } branches
                    && branches.Any(b => b.Type == JsonSchemaType.Null)
                    && branches.OfType<OpenApiSchemaReference>().Any(r => r.Reference.Id == AnyValue))
                {
                    schema.Properties![name] = branches.OfType<OpenApiSchemaReference>().Single();
                }
            }
        }
        return Task.CompletedTask;
    }
}
