using Marketplace.Api.Admin;
using Marketplace.Api.Bulk;
using Marketplace.Api.Cases;
using Marketplace.Api.Demands;
using Marketplace.Api.Engagements;
using Marketplace.Api.Diagnoses;
using Marketplace.Api.Financing;
using Marketplace.Api.Plans;
using Marketplace.Api.Scoreboard;
using Marketplace.Api.Hosting;
using Marketplace.Api.Hosting.OpenApi;
using Marketplace.Api.Http;
using Marketplace.Api.Leads;
using Marketplace.Api.Matches;
using Marketplace.Api.Offerings;
using Marketplace.Api.Organizations;
using Marketplace.Api.Search;
using Marketplace.Api.Stats;
using Marketplace.Api.Taxonomy;
using Marketplace.Api.Webhooks;
using Marketplace.Core.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

// `--demo` is shorthand for Marketplace:SeedDemo=true.
if (args.Contains("--demo"))
{
    args = [.. args.Where(a => a != "--demo"), "--Marketplace:SeedDemo=true"];
}

// A setting out of range stops the start-up: say which, without a stack trace, and exit as a configuration error (EX_CONFIG).
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    if (ConfigurationError(e.ExceptionObject as Exception) is { } message)
    {
        Console.Error.WriteLine($"Marketplace did not start: {message}");
        Environment.Exit(78);
    }
};

// appsettings*.json from beside the binaries, whichever folder the process starts in (a service manager's working
// directory is often /): started elsewhere, the host would run without them, logging every request at Information.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
builder.AddMarketplace();

var app = builder.Build();

app.UseMiddleware<HeadRequestMiddleware>();
app.UseRouting(); // after HEAD is read as GET (WebApplication would route first)
app.UseResponseCompression();
app.UseMiddleware<IdempotentResponseRecorder>(); // outside the exception handler: the errors it writes are answers kept for a key too
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<CorrelationIdMiddleware>();
app.UseMiddleware<CallerCachingMiddleware>();
app.UseMiddleware<RequestSizeLimitMiddleware>(app.Services.GetRequiredService<IOptions<MarketplaceOptions>>().Value.MaxRequestBodyBytes);
app.UseAuthentication();
app.UseRateLimiter(); // before the key check: requests with made-up keys count against their address's limit
app.UseMiddleware<InvalidApiKeyMiddleware>();
app.UseAuthorization();
app.UseMiddleware<IdempotencyMiddleware>(); // after authorization: a request refused there records no Idempotency-Key
app.UseMiddleware<QueryValuesMiddleware>();
app.UseMiddleware<IfMatchWithoutETagMiddleware>();

app.UseOutputCache();
app.MapOpenApi("/openapi/{documentName}.json").CacheOutput(OpenApiSetup.CachePolicy);
app.UseSwaggerUI(o =>
{
    o.RoutePrefix = "swagger";
    o.SwaggerEndpoint($"/openapi/{OpenApiSetup.DocumentName}.json", "Marketplace v1");
});
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
// 200 while storage answers, also when search is Degraded (being rebuilt, engine down): the node still publishes.
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthReportWriter.WriteAsync })
    .ExcludeFromDescription();

app.MapTaxonomy();
app.MapOrganizations();
app.MapOfferings();
app.MapSearch();
app.MapAdmin();
app.MapDemandLists();
app.MapMatchFeed();
app.MapStats();
app.MapLeads();
app.MapEngagements();
app.MapRatings();
app.MapCases();
app.MapWebhooks();
app.MapPlans();
app.MapDiagnoses();
app.MapScoreboard();
app.MapFinancing();
app.MapBulk();

var started = app.Lifetime.ApplicationStarted; // read now: the host is disposed when Run throws
try
{
    app.Run();
}
catch (Exception e) when (ConfigurationError(e) is null && !started.IsCancellationRequested)
{
    // A start-up that failed (a port in use, storage out of reach): the host has logged it with its stack trace; say it
    // once more as the last line, and exit rather than abort.
    Console.Error.WriteLine($"Marketplace did not start: {e.Message}" + (StorageErrors.IsDamaged(e)
        ? " The database file is damaged: stop every node, restore it from a backup (SQLite: sqlite3's .recover salvages what it can), and start" +
          " again; search indexes are rebuilt from it."
        : ""));
    return 1;
}
return 0;

// A setting out of range, or one the binder cannot read (WindowSeconds=abc, Provider=Oracle): the message names it.
static string? ConfigurationError(Exception? e) => e switch
{
    OptionsValidationException invalid => string.Join(" ", invalid.Failures),
    InvalidOperationException { Message: var m } when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => m,
    _ when e?.InnerException is { } inner => ConfigurationError(inner),
    _ => null,
};

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
