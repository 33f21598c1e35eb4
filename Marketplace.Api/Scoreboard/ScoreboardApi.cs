using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Core.Common;
using Marketplace.Core.Organizations;
using Marketplace.Core.Plans;
using Marketplace.Core.Scoreboard;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Api.Scoreboard;

public sealed record ColourResponse(string Code, string Name, string Hex, double MinScore)
{
    public static ColourResponse From(ColourBand c) => new(c.Code, c.Name, c.Hex, c.MinScore);
}

/// <summary>The scoring rules in force (from configuration).</summary>
public sealed record ScoreRulesResponse(ScoreWeights Weights, IReadOnlyList<ColourResponse> Colours, ColourResponse NoPlan);

/// <summary>A district's row: shares are of the enterprises in the year's plan (null for a district without a plan).</summary>
public sealed record ScoreboardRowResponse(
    string DistrictCode,
    string District,
    int? Rank,
    int Enterprises,
    int Projects,
    double? DiagnosedShare,
    double? MatchedShare,
    double? EngagedShare,
    double? CompletedShare,
    long PlannedInvestmentYuan,
    long CompletedInvestmentYuan,
    double? InvestmentShare,
    double? Score,
    ColourResponse Colour)
{
    public static ScoreboardRowResponse From(ScoreboardRow r) => new(r.DistrictCode, r.District, r.Rank, r.Enterprises, r.Projects, r.DiagnosedShare,
        r.MatchedShare, r.EngagedShare, r.CompletedShare, r.PlannedInvestmentYuan, r.CompletedInvestmentYuan, r.InvestmentShare, r.Score, ColourResponse.From(r.Colour));
}

public sealed record ScoreboardResponse(int Year, ScoreRulesResponse Rules, IReadOnlyList<ScoreboardRowResponse> Districts);

public sealed record ScoreboardEnterpriseResponse(Guid EnterpriseId, string EnterpriseName, int Projects, IReadOnlyList<string> Statuses, bool Diagnosed,
    bool Matched, bool Engaged, bool Completed, long PlannedInvestmentYuan, long CompletedInvestmentYuan);

public sealed record ScoreboardDetailResponse(int Year, ScoreboardRowResponse District, IReadOnlyList<ScoreboardEnterpriseResponse> Enterprises);

public static class ScoreboardApi
{
    public static IEndpointRouteBuilder MapScoreboard(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/scoreboard").WithTags("Scoreboard");

        group.MapGet("/", All)
            .WithName("GetScoreboard")
            .WithSummary("五色图 (every district's plan progress for a year)")
            .WithDescription("Public. Per district for `year` (default: this year): enterprises and projects in the plan, the shares of those enterprises diagnosed (a submitted report), matched (a demand item with matches), with an engagement (not declined or withdrawn) and with a completed project, planned vs completed investment, the weighted score (0–1) and its colour band, ranked (districts without a plan last, in the `noPlan` colour). The weights and bands come from configuration (`Marketplace:Scoreboard`) and are returned in `rules`.")
            .WithProblems(400, 429);

        group.MapGet("/chart.svg", Chart)
            .WithName("GetScoreboardChart")
            .WithSummary("五色图 SVG (an embeddable chart)")
            .WithDescription("Public. The same ranking as a self-contained SVG bar chart (no scripts, no external resources) for <img> or <object>; `highlight` (a district code) marks one district. Rendered on the server.")
            .Produces(StatusCodes.Status200OK, typeof(string), "image/svg+xml")
            .WithProblems(400, 429);

        group.MapGet("/districts/{code}", District)
            .WithName("GetDistrictScore")
            .WithSummary("某区县得分 (one district's row)")
            .WithDescription("Public. One district's row by its code (e.g. 500120 璧山区); 404 for an unknown code.")
            .WithProblems(400, 404, 429);

        group.MapGet("/districts/{code}/enterprises", Enterprises)
            .RequireAuthorization()
            .WithName("GetDistrictScoreDetails")
            .WithSummary("某区县企业明细 (per-enterprise details)")
            .WithDescription("The district's row with each enterprise of its plan: projects, statuses, diagnosed, matched, engaged, completed, planned and completed investment. Only the district's own office, operators and the capability center; others get 403.")
            .WithAuthProblems().WithProblems(400, 404);
        return app;
    }

    private static async Task<Ok<ScoreboardResponse>> All([Range(PlanStore.MinYear, PlanStore.MaxYear)] int? year, ScoreboardQueries scoreboard, TimeProvider clock, CancellationToken ct)
    {
        var y = ValidYear(year, clock);
        var rows = await scoreboard.DistrictsAsync(y, ct);
        return TypedResults.Ok(new ScoreboardResponse(y, Rules(scoreboard.Rules), rows.Select(ScoreboardRowResponse.From).ToArray()));
    }

    private static async Task<FileContentHttpResult> Chart([Range(PlanStore.MinYear, PlanStore.MaxYear)] int? year, string? highlight, ScoreboardQueries scoreboard, TaxonomyCatalog taxonomy, TimeProvider clock,
        HttpContext context, CancellationToken ct)
    {
        var y = ValidYear(year, clock);
        if (highlight is not null && taxonomy.Districts.All(d => d.Code != highlight))
        {
            new Validator().Add("highlight", $"未知的区县代码 '{highlight}' (see GET /api/v1/taxonomy districts).").ThrowIfAny();
        }
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.File(ScoreboardChart.Render(y, await scoreboard.DistrictsAsync(y, ct), scoreboard.Rules, highlight), "image/svg+xml");
    }

    private static async Task<Ok<ScoreboardRowResponse>> District(string code, [Range(PlanStore.MinYear, PlanStore.MaxYear)] int? year, ScoreboardQueries scoreboard, TimeProvider clock, CancellationToken ct)
    {
        var y = ValidYear(year, clock);
        var row = await scoreboard.DistrictAsync(y, code, ct) ?? throw UnknownDistrict(code);
        return TypedResults.Ok(ScoreboardRowResponse.From(row));
    }

    private static async Task<Ok<ScoreboardDetailResponse>> Enterprises(string code, [Range(PlanStore.MinYear, PlanStore.MaxYear)] int? year, ClaimsPrincipal user, ScoreboardQueries scoreboard,
        OrganizationStore organizations, TaxonomyCatalog taxonomy, TimeProvider clock, CancellationToken ct)
    {
        var y = ValidYear(year, clock);
        var district = taxonomy.Districts.FirstOrDefault(d => d.Code == code) ?? throw UnknownDistrict(code);
        var actor = user.GetActor();
        switch (actor.Kind)
        {
            case OrganizationKind.Operator or OrganizationKind.CapabilityCenter:
                break;
            case OrganizationKind.District:
                if (await organizations.HomeDistrictAsync(actor, ct) != district.Name)
                {
                    // The district exists (the taxonomy is public): say what is refused rather than deny it exists.
                    throw new ForbiddenException("区县经信部门只能查看本区县的企业明细 (a district office reads its own district's details only).");
                }
                break;
            default:
                throw new ForbiddenException("企业明细仅对本区县经信部门、运营方和能力中心开放 (details are for the district office, operators and the capability center).");
        }
        var row = await scoreboard.DistrictAsync(y, code, ct) ?? throw UnknownDistrict(code);
        var enterprises = await scoreboard.EnterprisesAsync(y, district.Name, ct);
        return TypedResults.Ok(new ScoreboardDetailResponse(y, ScoreboardRowResponse.From(row), enterprises.Select(e => new ScoreboardEnterpriseResponse(
            e.EnterpriseId, e.EnterpriseName, e.Projects, e.Statuses, e.Diagnosed, e.Matched, e.Engaged, e.Completed, e.PlannedInvestmentYuan, e.CompletedInvestmentYuan)).ToArray()));
    }

    private static ScoreRulesResponse Rules(ScoreboardOptions o) =>
        new(o.Weights, o.EffectiveColours.Select(ColourResponse.From).ToArray(), ColourResponse.From(o.NoPlan));

    private static int ValidYear(int? year, TimeProvider clock)
    {
        var y = year ?? ChinaTime.Year(clock);
        var v = new Validator();
        v.Range("year", y, PlanStore.MinYear, PlanStore.MaxYear);
        v.ThrowIfAny();
        return y;
    }

    private static NotFoundException UnknownDistrict(string code) => new($"区县 {code} 不存在 (no district has this code; see GET /api/v1/taxonomy districts).");
}
