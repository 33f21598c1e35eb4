using Marketplace.Core.Webhooks;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting.OpenApi;

/// <summary>
/// The document's <c>webhooks</c> section: per event type the POST a registered endpoint receives, with the headers
/// (event id, type, timestamp, signature, attempt) and the payload schema generated from the record that is serialized
/// (<c>Marketplace.Core/Webhooks/WebhookPayloads.cs</c>), so the document and the deliveries cannot drift apart.
/// </summary>
public sealed class WebhooksDocumentTransformer : IOpenApiDocumentTransformer
{
    private static readonly (string Type, Type Payload)[] Payloads =
    [
        (WebhookEventTypes.MatchChanged, typeof(MatchChangedEvent)),
        (WebhookEventTypes.LeadCreated, typeof(LeadCreatedEvent)),
        (WebhookEventTypes.ReviewDecided, typeof(ReviewDecidedEvent)),
        (WebhookEventTypes.EngagementChanged, typeof(EngagementChangedEvent)),
        (WebhookEventTypes.MatchEvent, typeof(MatchEventEvent)),
    ];

    public const string SignatureScheme = "WebhookSignature";

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        // A receiver authenticates a delivery by its signature header: declared as the webhooks' security scheme.
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SignatureScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = WebhookSignature.SignatureHeader,
            Description = "Webhook deliveries only: `v1=<hex HMAC-SHA256 of {X-Marketplace-Timestamp}.{raw body}>` with the endpoint's secret, comma-separated when a previous secret also signs during a rotation.",
        };
        foreach (var (type, payload) in Payloads)
        {
            var schema = await context.GetOrCreateSchemaAsync(payload, null, ct);
            document.Components.Schemas[payload.Name] = schema;
            var eventType = WebhookEventTypes.Find(type)!;
            var operation = new OpenApiOperation
            {
                OperationId = "Webhook" + string.Concat(type.Split('.').Select(p => char.ToUpperInvariant(p[0]) + p[1..])),
                Summary = eventType.Description,
                Description = $"""
                    POSTed to every active endpoint subscribed to `{type}` of the receiving organizations ({string.Join(", ", eventType.Kinds.Select(k => Marketplace.Core.Common.OrganizationKinds.ToCode(k)))}).
                    Verify `X-Marketplace-Signature` (`v1=` hex HMAC-SHA256 of `{'{'}X-Marketplace-Timestamp{'}'}.{'{'}raw body{'}'}` with the endpoint's secret; a second `v1=` follows during a rotation),
                    refuse old timestamps, and de-duplicate by `X-Marketplace-Event-Id` (= the body's `id`): deliveries are at least once.
                    Answer 2xx within the attempt timeout (10 s by default); otherwise the delivery is retried with exponential back-off for a day.
                    """,
                Tags = new HashSet<OpenApiTagReference> { new("Webhooks", document) },
                Parameters =
                [
                    Header(WebhookSignature.EventIdHeader, "The event's id: the idempotency id, the same on every attempt and redelivery.", "uuid"),
                    Header(WebhookSignature.EventTypeHeader, "The event type.", null),
                    Header(WebhookSignature.TimestampHeader, "When this attempt was signed, in Unix seconds.", null),
                    Header(WebhookSignature.AttemptHeader, "1 for the first attempt, then 2, 3 …", null),
                ],
                Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SignatureScheme, document)] = [] }],
                RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference(payload.Name, document) },
                    },
                },
                Responses = new OpenApiResponses
                {
                    ["200"] = new OpenApiResponse { Description = "Acknowledged (any 2xx)." },
                    ["default"] = new OpenApiResponse { Description = "Anything else, or no answer in time: retried with back-off, then dead-lettered." },
                },
            };
            document.Webhooks[type] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = operation } };
        }
    }

    private static OpenApiParameter Header(string name, string description, string? format) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = format },
    };
}
