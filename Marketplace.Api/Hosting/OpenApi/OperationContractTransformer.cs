using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Marketplace.Api.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting.OpenApi;

/// <summary>
/// Operation conventions every endpoint gets without code of its own (docs/openapi.md):
/// security (a required key, or an optional one on public endpoints), 401 wherever a key is read, 413, 429 and 503 everywhere, 400
/// wherever a query parameter, a UUID or number in the path or a body is read,
/// request bodies required and never <c>null</c>, <c>[Required]</c>/<c>[Description]</c> on handler parameters,
/// a standard description on <c>If-Match</c> and <c>If-None-Match</c>, an optional <c>Idempotency-Key</c> on every POST that
/// takes a key (unless <see cref="EndpointConventions.WithoutIdempotency"/>) with its 400, 409 and 422, 412 on every change that takes
/// no If-Match (<see cref="IfMatchWithoutETagMiddleware"/>), and the response headers the API sends: <c>Location</c>
/// on 201/202, <c>ETag</c> where the endpoint says <see cref="EndpointConventions.ProducesETag"/> (on its 2xx and on a 304
/// answered with <see cref="NotModified"/>), <c>Content-Disposition</c> on a file (<see cref="EndpointConventions.ProducesFile"/>), <c>WWW-Authenticate</c> on 401, <c>Retry-After</c> on 429 and 503.
/// </summary>
public sealed class OperationContractTransformer : IOpenApiOperationTransformer
{
    public const string IfMatchDescription =
        "The ETag of the version you read. The change is refused with 412 when the resource has changed since (read it again and retry). `*` asks only that the resource exists: a change that then loses a race to another is a 409.";

    public const string IfNoneMatchDescription =
        "The ETag of the version you hold (or a comma-separated list of them, or `*`). While it is current the answer is 304 Not Modified, without a body.";

    public const string IdempotencyKeyDescription =
        "A key of your choosing (1–255 printable ASCII characters, e.g. a UUID) that makes a retry safe: the first request with it runs and its answer is kept for your organization for 24 hours (the server's setting); " +
        "the same request (method, path, query, If-Match, Content-Type and body) sent again with the key gets that answer again, with `Idempotent-Replayed: true`, and runs nothing. " +
        "The key sent with another request is a 422; while the first request still runs, a 409 with `Retry-After`. An answer of 5xx, 405, 408 or 429 is not kept (a retry runs again).";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var keyRequired = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        var apiKey = new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [],
        };
        // Public endpoints take an optional key: it widens the answer (owners see their drafts), and an unknown key is a 401.
        operation.Security = keyRequired ? [apiKey] : [new OpenApiSecurityRequirement(), apiKey];

        operation.Responses ??= [];
        // A key is read everywhere (401); any request may carry a body over the limit (413); a query parameter, a typed path
        // parameter (a UUID, a number: no route constraint, so a malformed one is named in a 400 rather than a bare 404) or a
        // body may be malformed (400).
        AddProblem(operation, "401", "Unauthorized", context);
        AddProblem(operation, "413", "Payload Too Large", context);
        // Every request counts against its caller's rate limit (429), and any may meet a database (or search engine) that
        // is busy or unreachable (503); both say when to retry.
        AddProblem(operation, "429", "Too Many Requests", context);
        AddProblem(operation, "503", "Service Unavailable", context);
        if (operation.RequestBody is not null || (operation.Parameters ?? []).Any(p => p.In == ParameterLocation.Query || IsTypedPathParameter(p)))
        {
            AddProblem(operation, "400", "Bad Request", context);
        }
        var idempotent = keyRequired && context.Description.HttpMethod == HttpMethods.Post && !metadata.OfType<NoIdempotencyMetadata>().Any();
        if (idempotent)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyMiddleware.HeaderName,
                In = ParameterLocation.Header,
                Description = IdempotencyKeyDescription,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Core.Idempotency.IdempotencyStore.KeyMax, Pattern = "^[ -~]+$" },
            });
            AddProblem(operation, "400", "Bad Request", context);
            AddProblem(operation, "409", "Conflict", context);
            AddProblem(operation, "422", "Unprocessable Content", context);
        }
        if (operation.RequestBody is not null)
        {
            AddProblem(operation, "415", "Unsupported Media Type", context); // another content type, charset or a Content-Encoding
        }

        // A change whose resource hands out no ETag takes no If-Match: one naming an entity tag never matches (IfMatchWithoutETagMiddleware).
        if (context.Description.HttpMethod is not ("GET" or "HEAD") && !(operation.Parameters ?? []).Any(p => p.Name == "If-Match"))
        {
            AddProblem(operation, "412", "Precondition Failed: If-Match named an entity tag, and what this changes has none (leave If-Match out).", context);
        }

        if (operation.RequestBody is OpenApiRequestBody body)
        {
            body.Required = true;
            foreach (var media in (body.Content ?? new Dictionary<string, OpenApiMediaType>()).Values)
            {
                media.Schema = WithoutNull(media.Schema);
            }
        }

        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            var info = context.Description.ParameterDescriptions
                .FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase))?.ParameterDescriptor as IParameterInfoParameterDescriptor;
            var attributes = info?.ParameterInfo.GetCustomAttributes(inherit: true) ?? [];
            // An operation that answers 428 (precondition required) insists on its If-Match.
            if (attributes.OfType<RequiredAttribute>().Any() || (parameter.Name == "If-Match" && operation.Responses.ContainsKey("428")))
            {
                parameter.Required = true;
            }
            parameter.Description ??= attributes.OfType<DescriptionAttribute>().FirstOrDefault()?.Description
                ?? parameter.Name switch { "If-Match" => IfMatchDescription, "If-None-Match" => IfNoneMatchDescription, _ => null };
        }

        var etag = metadata.OfType<ETagMetadata>().Any();
        var file = metadata.OfType<FileDownloadMetadata>().Any();
        foreach (var (status, response) in operation.Responses.Where(r => r.Value is OpenApiResponse).Select(r => (r.Key, (OpenApiResponse)r.Value)))
        {
            if (status is "201" or "202")
            {
                AddHeader(response, "Location", "The new resource's URL (relative to the API's base).", JsonSchemaType.String, null);
            }
            if (etag && status.StartsWith('2') && status != "204") // 204: the resource is gone (a discarded draft)
            {
                AddHeader(response, "ETag", "The resource's version; send it as If-Match to change it.", JsonSchemaType.String, null);
            }
            if (file && status == "200")
            {
                AddHeader(response, "Content-Disposition", "`attachment` with the file's name (`filename`, and `filename*` in UTF-8 for a name beyond ASCII).",
                    JsonSchemaType.String, null);
            }
            if (etag && status == "304")
            {
                AddHeader(response, "ETag", "The current version: the one If-None-Match named.", JsonSchemaType.String, null);
            }
            if (status == "401")
            {
                AddHeader(response, "WWW-Authenticate", $"The challenge: `{ApiKeyAuthenticationHandler.Challenge}` (send the organization's API key in that header).",
                    JsonSchemaType.String, null);
            }
            if (status is "429" or "503" || (idempotent && status == "409"))
            {
                AddHeader(response, "Retry-After", "Seconds to wait before retrying.", JsonSchemaType.Integer, null);
            }
            if (idempotent && status.StartsWith('2'))
            {
                AddHeader(response, IdempotencyMiddleware.ReplayedHeader, "`true` when this is the kept answer to an earlier request with the same Idempotency-Key.",
                    JsonSchemaType.String, null);
            }
        }
        return Task.CompletedTask;
    }

    private static bool IsTypedPathParameter(IOpenApiParameter parameter) =>
        parameter.In == ParameterLocation.Path && parameter.Schema is { } schema
        && (schema.Format == "uuid" || (schema.Type is { } type && !type.HasFlag(JsonSchemaType.String)));

    private static void AddProblem(OpenApiOperation operation, string status, string description, OpenApiOperationTransformerContext context)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(nameof(ProblemDetails), context.Document) },
            },
        };
    }

    private static void AddHeader(OpenApiResponse response, string name, string description, JsonSchemaType type, string? format)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader
        {
            Description = description,
            Required = name is not ("Retry-After" or IdempotencyMiddleware.ReplayedHeader),
            Schema = new OpenApiSchema { Type = type, Format = format, Minimum = type == JsonSchemaType.Integer ? "0" : null },
        };
    }

    /// <summary><c>oneOf [null, X]</c> (a nullable handler parameter) becomes X: a body is required.</summary>
    public static IOpenApiSchema? WithoutNull(IOpenApiSchema? schema)
    {
        if (schema is OpenApiSchema { OneOf: { Count: 2 } oneOf } && oneOf.Count(s => s.Type == JsonSchemaType.Null) == 1)
        {
            return oneOf.Single(s => s.Type != JsonSchemaType.Null);
        }
        if (schema is OpenApiSchema { Type: { } type } concrete && type.HasFlag(JsonSchemaType.Null) && type != JsonSchemaType.Null)
        {
            concrete.Type = type & ~JsonSchemaType.Null;
        }
        return schema;
    }
}

/// <summary>Endpoint metadata: the endpoint's success responses carry an ETag header.</summary>
public sealed class ETagMetadata;

/// <summary>Endpoint metadata: the endpoint answers a file to save, named by Content-Disposition.</summary>
public sealed class FileDownloadMetadata;
