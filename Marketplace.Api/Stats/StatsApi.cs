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
            .WithDescription("Capability center or operator. Live offerings by direction (a sub-direction counts for its direction), sub-direction and district served (全市 as its own value); demand items of open lists by stated or top inferred direction (`unclassified` when none), sub-direction and the enterprise's district; supply gaps: items whose best stored match scores below `threshold` (0–1 with a decimal point, default 0.5; `0,5` is a 400, not 5) or that have no match, grouped by direction.")
            .WithAuthProblems().WithProblems(400);
        return app;
    }

    private static async Task<Ok<SupplyDemandReport>> SupplyDemand([Range(0d, 1d)] double? threshold, HttpRequest request, SupplyDemandStats stats, CancellationToken ct)
    {
        // The framework reads 0,5 as 5 (a thousands separator): a decimal comma must not silently mean another number.
        if (request.Query["threshold"].Any(v => v?.Contains(',') == true))
        {
            throw new Core.Common.ValidationException(new Dictionary<string, string[]> { ["threshold"] = ["小数请用小数点，如 0.5 (write a decimal point, as in 0.5; a comma is not one)."] });
        }
        return TypedResults.Ok(await stats.ReportAsync(threshold, ct));
    }
}
