using System.ComponentModel.DataAnnotations;
using Marketplace.Api.Http;
using Marketplace.Core.Matching;

namespace Marketplace.Api.Stats;

public static class StatsApi
{
    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/stats").WithTags("Statistics")
            .RequireAuthorization(Policies.Insight);

        group.MapGet("/supply-demand", SupplyDemand)
            .WithName("GetSupplyDemandStats")
            .WithSummary("供需统计与供给缺口 (supply, demand and supply gaps)")
            .WithDescription("Capability center or operator. Live offerings by direction (a sub-direction counts for its direction), sub-direction and district served (全市 as its own value); demand items of open lists by stated or top inferred direction (`unclassified` when none), sub-direction and the enterprise's district; supply gaps: items whose best stored match scores below `threshold` (0–1, default 0.5) or that have no match, grouped by direction.")
            .WithAuthProblems().WithProblems(400);
        return app;
    }

    private static async Task<Ok<SupplyDemandReport>> SupplyDemand([Range(0d, 1d)] double? threshold, SupplyDemandStats stats, CancellationToken ct) =>
        TypedResults.Ok(await stats.ReportAsync(threshold, ct));
}
