using System.Text.Json;
using Marketplace.Core.Searching;
using Marketplace.Search.Indexing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Hosting;

/// <summary>
/// The search index as a separate entry of <c>/health/ready</c>: never Unhealthy (a node whose index is being rebuilt or
/// whose engine is down still publishes, reads and matches what it can), Degraded with the reason instead.
/// </summary>
public sealed class SearchHealthCheck(IOfferingIndex index, SearchIndexStatus status, IOptions<SearchOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var data = new Dictionary<string, object>
        {
            ["provider"] = options.Value.Provider.ToString().ToLowerInvariant(),
            ["availability"] = JsonNamingPolicy.KebabCaseLower.ConvertName(status.Availability.ToString()),
        };
        if (status.Availability != SearchAvailability.Ready)
        {
            if (status.Since is { } since)
            {
                data["since"] = since;
            }
            if (status.RepairJobId is { } job)
            {
                data["repairJob"] = $"/api/v1/admin/jobs/{job}";
            }
            var effect = status.Availability == SearchAvailability.Unavailable
                ? "searches answer 503 until the rebuild from the database is swapped in"
                : "searches may lack recent changes until the rebuild from the database is swapped in";
            return HealthCheckResult.Degraded($"{status.Reason}; {effect}; publishing is not affected", data: data);
        }
        bool healthy;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            healthy = await index.IsHealthyAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded("the search engine did not answer; searches answer 503 and writes wait in the outbox", e, data);
        }
        return healthy
            ? HealthCheckResult.Healthy("the search index answers", data)
            : HealthCheckResult.Degraded("the search engine is unreachable or unhealthy; searches answer 503 and writes wait in the outbox", data: data);
    }
}

/// <summary>The health report as JSON: the overall status and each check's status, description and data.</summary>
public static class HealthReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            entries = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
