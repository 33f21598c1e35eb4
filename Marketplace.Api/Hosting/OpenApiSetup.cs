using Marketplace.Api.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting;

public static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddMarketplaceOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, context, ct) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Marketplace — 重庆市解决方案资源池 API",
                    Version = "v1",
                    Description = "Integrators publish offerings, operators review them, SMEs search and submit demand lists that are matched to offerings, and the industry-brain capability center pulls matches and statistics.",
                    Contact = new OpenApiContact { Name = "Marketplace team" },
                    License = new OpenApiLicense { Name = "Proprietary" },
                };
                document.Servers = [new OpenApiServer { Url = "/", Description = "This deployment" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.HeaderName,
                    Description = "The organization's API key, issued when an operator registers it.",
                };
                string[] tags = ["Taxonomy", "Organizations", "Offerings", "Search", "Demand lists", "Matches", "Statistics", "Leads", "Engagements", "Ratings", "Cases", "Admin"];
                document.Tags = new HashSet<OpenApiTag>(tags.Select(name => new OpenApiTag { Name = name, Description = $"{name} operations" }));
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, ct) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [],
                    });
                }
                return Task.CompletedTask;
            });
        });
}
