using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting.OpenApi;

/// <summary>
/// Request schemas say what a client must send, not what the server reads back: every schema reachable from a request
/// body lists as required only its <c>[Required]</c> properties, and its properties are never <c>null</c> (leave an
/// optional one out). Response schemas keep every property required (they are always written, as null when empty).
/// </summary>
public sealed class RequestContractTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var components = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        var operations = (document.Paths ?? []).SelectMany(p => p.Value.Operations ?? []).Select(o => o.Value).ToArray();

        var requestSchemas = new HashSet<string>(StringComparer.Ordinal);
        var bodies = operations.Select(o => o.RequestBody).OfType<OpenApiRequestBody>().SelectMany(b => b.Content?.Values ?? []);
        foreach (var media in bodies)
        {
            Visit(media.Schema, components, _ => { }, requestSchemas);
        }

        foreach (var (name, schema) in components)
        {
            if (schema is OpenApiSchema concrete && requestSchemas.Contains(name) && concrete.Properties is not null)
            {
                var marked = RequiredMarks(concrete);
                concrete.Required = new HashSet<string>(concrete.Properties.Keys.Where(marked.Contains), StringComparer.Ordinal);
                foreach (var key in concrete.Properties.Keys.ToArray())
                {
                    var property = OperationContractTransformer.WithoutNull(concrete.Properties[key]);
                    if (property is OpenApiSchema { Items: { } items } array)
                    {
                        array.Items = OperationContractTransformer.WithoutNull(items);
                    }
                    concrete.Properties[key] = property!;
                }
            }
        }

        // The marks are for this transformer only: off every schema, in components or inline.
        var everySchema = components.Values
            .Concat(operations.SelectMany(o => o.Parameters ?? []).Select(p => p.Schema))
            .Concat(operations.Select(o => o.RequestBody).OfType<OpenApiRequestBody>().SelectMany(b => b.Content?.Values ?? []).Select(m => m.Schema))
            .Concat(operations.SelectMany(o => o.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()).SelectMany(r => r.Content?.Values ?? []).Select(m => m.Schema));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var schema in everySchema)
        {
            Visit(schema, components, s => s.Extensions?.Remove(ContractSchemaTransformer.RequiredExtension), seen);
        }
        return Task.CompletedTask;
    }

    private static HashSet<string> RequiredMarks(OpenApiSchema schema) =>
        schema.Extensions is { } extensions
        && extensions.TryGetValue(ContractSchemaTransformer.RequiredExtension, out var mark)
        && mark is JsonNodeExtension { Node: JsonArray names }
            ? names.Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal)
            : [];

    /// <summary>Visits a schema and every schema inside it, following each component reference once (<paramref name="reached"/>).</summary>
    private static void Visit(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> components, Action<OpenApiSchema> action, HashSet<string> reached)
    {
        switch (schema)
        {
            case OpenApiSchemaReference reference:
                if (reference.Reference.Id is { } id && reached.Add(id) && components.TryGetValue(id, out var target))
                {
                    Visit(target, components, action, reached);
                }
                return;
            case OpenApiSchema concrete:
                action(concrete);
                var children = (concrete.Properties?.Values ?? [])
                    .Concat(concrete.OneOf ?? []).Concat(concrete.AnyOf ?? []).Concat(concrete.AllOf ?? [])
                    .Append(concrete.Items).Append(concrete.AdditionalProperties);
                foreach (var child in children)
                {
                    Visit(child, components, action, reached);
                }
                return;
        }
    }
}
