using Marketplace.Api.Http;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting.OpenApi;

/// <summary>The OpenAPI document: its description, and the transformers that apply the conventions of docs/openapi.md.</summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";

    /// <summary>The output-cache policy of the served document (generated once an hour at most).</summary>
    public const string CachePolicy = "openapi-document";

    public static IServiceCollection AddMarketplaceOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddSchemaTransformer<ContractSchemaTransformer>();
            options.AddOperationTransformer<OperationContractTransformer>();
            options.AddDocumentTransformer<RequestContractTransformer>();
            options.AddDocumentTransformer<WebhooksDocumentTransformer>();
            options.AddDocumentTransformer<CodeListComponents>();
            options.AddDocumentTransformer<AnyValueProperties>();
            options.AddDocumentTransformer((document, context, ct) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Marketplace — 重庆市解决方案资源池 API",
                    Version = "v1",
                    Description = "Integrators publish offerings, operators review them, SMEs search and submit demand lists that are matched to offerings, and the industry-brain capability center pulls matches and statistics. "
                        + "Send the organization's API key in the X-Api-Key header; public reads need none (a key widens what they show). Errors are RFC 9457 problem details with field-level messages. "
                        + "Text lengths (`maxLength`) are counted in UTF-16 code units, as the database stores them: an emoji or a character outside the BMP counts as 2.",
                    Contact = new OpenApiContact { Name = "Marketplace team" },
                    License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
                };
                document.Servers = [new OpenApiServer { Url = "/", Description = "This deployment" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.HeaderName,
                    Description = "The organization's API key, issued when an operator registers it (shown once; rotate it with POST /api/v1/organizations/{id}/api-keys/rotate).",
                };
                var used = (document.Paths ?? []).SelectMany(p => p.Value.Operations ?? []).SelectMany(o => o.Value.Tags ?? new HashSet<OpenApiTagReference>())
                    .Select(t => t.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
                var described = ApiTags.All.Where(t => used.Contains(t.Name)).Select(t => new OpenApiTag { Name = t.Name, Description = t.Description });
                var undescribed = used.Where(name => ApiTags.All.All(t => t.Name != name)).Order(StringComparer.Ordinal).Select(name => new OpenApiTag { Name = name });
                document.Tags = new HashSet<OpenApiTag>(described.Concat(undescribed));
                return Task.CompletedTask;
            });
        });
}
