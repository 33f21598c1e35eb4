using Marketplace.Core.Searching;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Not ready while the embedded index warms up after start-up (decoding the postings the first searches need, a few
/// seconds at 100,000 offerings): a load balancer then sends no searches that would each pay for it. The API answers
/// meanwhile; Elasticsearch needs no warm-up here. Then not ready while <see cref="HttpWarmUp"/> runs, nor while the
/// matcher reads the live offerings' items (<see cref="Demands.MatchingWarmUp"/>, beside them).
/// </summary>
public sealed class SearchWarmUpHealthCheck(IOfferingIndex index, HttpWarmUp httpWarmUp, Demands.MatchingWarmUp matchingWarmUp) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(
            index is LuceneOfferingIndex { WarmedUp.IsCompleted: false } ? HealthCheckResult.Unhealthy("search index warming up")
            : !httpWarmUp.Completed.IsCompleted ? HealthCheckResult.Unhealthy("warming up: searches through the node's own HTTP pipeline")
            : !matchingWarmUp.Completed.IsCompleted ? HealthCheckResult.Unhealthy("warming up: reading the live offerings' technology items for matching")
            : HealthCheckResult.Healthy("search index ready"));
}
