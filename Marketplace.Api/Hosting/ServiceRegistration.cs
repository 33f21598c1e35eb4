using System.IO.Compression;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Marketplace.Api.Demands;
using Marketplace.Api.Hosting.OpenApi;
using Marketplace.Api.Http;
using Marketplace.Api.Webhooks;
using Marketplace.Api.Plans;
using Marketplace.Api.Search;
using Marketplace.Core.Bulk;
using Marketplace.Core.Common;
using Marketplace.Core.Idempotency;
using Marketplace.Core.Leasing;
using Marketplace.Core.Offerings;
using Marketplace.Core.Organizations;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Indexing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Hosting;

public static class ServiceRegistration
{
    /// <summary>True while the build generates the OpenAPI document: no storage, no background work.</summary>
    public static bool IsGeneratingOpenApiDocument =>
        Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    public static WebApplicationBuilder AddMarketplace(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<MarketplaceOptions>().Bind(configuration.GetSection(MarketplaceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection("Marketplace:Storage"))
            .PostConfigure<IOptions<MarketplaceOptions>>((storage, marketplace) =>
            {
                storage.ConnectionString ??= configuration.GetConnectionString("Marketplace");
                storage.SqliteFile ??= Path.Combine(DataDirectory(marketplace.Value), "marketplace.db");
            })
            .ValidateDataAnnotations()
            .Validate(s => s.Provider != StorageProvider.SqlServer || !string.IsNullOrWhiteSpace(s.ConnectionString),
                "ConnectionStrings:Marketplace is required when Marketplace:Storage:Provider is sqlserver.")
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(TaxonomyCatalog.Default);
        services.AddSingleton(Thesaurus.Default);
        services.AddSingleton(sp => new Database(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<Migrator>();
        services.AddSingleton<OrganizationStore>();
        services.AddSingleton<OfferingStore>();
        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<IHolderBoundRows>(sp => sp.GetRequiredService<IdempotencyStore>());
        services.AddSingleton<DemoCatalog>();
        services.AddSingleton<SearchQueryReadings>();
        services.AddMarketplaceSearch(configuration);
        services.AddOptions<SearchOptions>().PostConfigure<IOptions<MarketplaceOptions>>((search, marketplace) =>
            search.IndexDirectory ??= Path.Combine(DataDirectory(marketplace.Value), "index"));
        services.AddDemands(configuration);
        services.AddWebhooks(configuration);
        services.AddGovernment(configuration);
        if (!IsGeneratingOpenApiDocument)
        {
            services.AddHostedService<StartupTasks>();
            services.AddLeaseHolderService(); // after StartupTasks (the schema exists), before the workers that lease rows
            services.AddMarketplaceSearchWorkers();
            services.AddHostedService<BulkJobRunner>();
            services.AddWebhookWorkers();
            services.AddHostedService(sp => sp.GetRequiredService<MatchingWarmUp>());
            services.AddHostedService<CatalogLanguageRefresh>();
            services.AddHostedService<DemandRematchWorker>();
            services.AddHostedService<PendingMatchWorker>();
        }
        services.AddSingleton<MatchingWarmUp>();

        services.ConfigureHttpJsonOptions(o =>
        {
            // Chinese text readable in responses; the API serves JSON, never HTML.
            o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            // Numbers are numbers, as the OpenAPI document declares them (the web default also reads "100" as 100).
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // {"title":"a","title":"b"} is a 400, not a silent choice of the last value.
            o.SerializerOptions.AllowDuplicateProperties = false;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Operator, p => p.RequireRole(OrganizationKind.Operator.ToCode()))
            .AddPolicy(Policies.Integrator, p => p.RequireRole(OrganizationKind.Integrator.ToCode()))
            .AddPolicy(Policies.Enterprise, p => p.RequireRole(OrganizationKind.Enterprise.ToCode()))
            .AddPolicy(Policies.CapabilityCenter, p => p.RequireRole(OrganizationKind.CapabilityCenter.ToCode()))
            .AddPolicy(Policies.District, p => p.RequireRole(OrganizationKind.District.ToCode()))
            .AddPolicy(Policies.Assessor, p => p.RequireRole(OrganizationKind.Assessor.ToCode()))
            .AddPolicy(Policies.OperatorOrDistrict, p => p.RequireRole(OrganizationKind.Operator.ToCode(), OrganizationKind.District.ToCode()))
            .AddPolicy(Policies.Insight, p => p.RequireRole(OrganizationKind.CapabilityCenter.ToCode(), OrganizationKind.Operator.ToCode()));

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions["correlationId"] = c.HttpContext.TraceIdentifier;
            Problems.DescribeFrameworkProblem(c.ProblemDetails, c.HttpContext);
        });
        services.AddSingleton<IProblemDetailsWriter, FallbackProblemDetailsWriter>();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(RateLimits.Partition);
            o.OnRejected = RateLimits.RejectAsync;
        });

        // The OpenAPI document only changes with a deployment; generating it took about 0.1 s of CPU per request.
        services.AddOutputCache(o => o.AddPolicy(OpenApiSetup.CachePolicy, p => p.Expire(TimeSpan.FromHours(1))));

        // Over plain HTTP only (the default): behind TLS the ingress compresses, and answers that carry a key (registration,
        // rotation) stay out of BREACH's reach. Fastest levels: most answers are small and frequent.
        services.AddResponseCompression(o =>
        {
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = [.. ResponseCompressionDefaults.MimeTypes, "application/problem+json", "text/csv"];
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);

        services.AddSingleton<HttpWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<HttpWarmUp>());
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"])
            .AddCheck<SearchHealthCheck>("search", failureStatus: Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, tags: ["ready"])
            .AddCheck<SearchWarmUpHealthCheck>("search-warm-up", tags: ["ready"]);
        services.AddMarketplaceOpenApi();
        return builder;
    }

    public static string DataDirectory(MarketplaceOptions options)
    {
        var path = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(path);
        return path;
    }
}
