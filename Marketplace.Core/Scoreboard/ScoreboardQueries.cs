using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Plans;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Scoreboard;

/// <summary>One enterprise of a district's plan for a year and how far it got.</summary>
public sealed record ScoreboardEnterprise(
    Guid EnterpriseId,
    string EnterpriseName,
    int Projects,
    IReadOnlyList<string> Statuses,
    bool Diagnosed,
    bool Matched,
    bool Engaged,
    bool Completed,
    long PlannedInvestmentYuan,
    long CompletedInvestmentYuan);

/// <summary>A district's row of the scoreboard (五色图) for a year.</summary>
public sealed record ScoreboardRow(
    string DistrictCode,
    string District,
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
    ColourBand Colour,
    int? Rank);

/// <summary>
/// Computes the scoreboard from the plans: per district and year, the enterprises in the plan and the shares of them
/// diagnosed (a submitted report), matched (a demand item with matches) and with an engagement (not declined or withdrawn), both by the
/// end of that year, and with a completed
/// project, planned against completed investment, a score and its colour from <see cref="ScoreboardOptions"/>.
/// </summary>
public sealed class ScoreboardQueries(Database db, TaxonomyCatalog taxonomy, PlanEngagements engagements, IOptions<ScoreboardOptions> options)
{
    private sealed class ProjectRow
    {
        public string District { get; init; } = "";
        public Guid EnterpriseId { get; init; }
        public string EnterpriseName { get; init; } = "";
        public string Status { get; init; } = "";
        public long PlannedInvestmentYuan { get; init; }
        public long? ActualInvestmentYuan { get; init; }
        public long Diagnosed { get; init; }
        public long Matched { get; init; }
    }

    public ScoreboardOptions Rules => options.Value;

    /// <summary>Every district of the taxonomy for <paramref name="year"/>, ranked by score (districts without a plan last).</summary>
    public async Task<IReadOnlyList<ScoreboardRow>> DistrictsAsync(int year, CancellationToken ct)
    {
        var byDistrict = (await ProjectsAsync(year, null, ct)).ToLookup(p => p.District);
        var rows = new List<ScoreboardRow>();
        foreach (var district in taxonomy.Districts)
        {
            rows.Add(Row(district, await EnterprisesAsync(year, byDistrict[district.Name].ToArray(), ct)));
        }
        // Equal scores share a rank (1, 2, 2, 4), listed by district code.
        var scored = rows.Where(r => r.Score is not null).OrderByDescending(r => r.Score).ThenBy(r => r.DistrictCode, StringComparer.Ordinal).ToArray();
        var ranked = new ScoreboardRow[scored.Length];
        for (var n = 0; n < scored.Length; n++)
        {
            ranked[n] = scored[n] with { Rank = n > 0 && scored[n].Score == scored[n - 1].Score ? ranked[n - 1].Rank : n + 1 };
        }
        return [.. ranked, .. rows.Where(r => r.Score is null)];
    }

    public async Task<ScoreboardRow?> DistrictAsync(int year, string districtCode, CancellationToken ct) =>
        (await DistrictsAsync(year, ct)).FirstOrDefault(r => r.DistrictCode == districtCode);

    /// <summary>The enterprises of one district's plan for the year, by name.</summary>
    public async Task<IReadOnlyList<ScoreboardEnterprise>> EnterprisesAsync(int year, string district, CancellationToken ct) =>
        await EnterprisesAsync(year, await ProjectsAsync(year, district, ct), ct);

    private async Task<ProjectRow[]> ProjectsAsync(int year, string? district, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var args = new { Year = year, District = district, YearEnd = ChinaTime.EndOfYear(year) };
        return (await c.QueryAsync<ProjectRow>(db.Command(ScoreboardSql.Projects, args, ct: ct))).ToArray();
    }

    private async Task<IReadOnlyList<ScoreboardEnterprise>> EnterprisesAsync(int year, IReadOnlyList<ProjectRow> projects, CancellationToken ct)
    {
        var ids = projects.Select(p => p.EnterpriseId).Distinct().ToArray();
        var engaged = ids.Length == 0 ? new HashSet<Guid>() : await engagements.EnterprisesWithEngagementsAsync(ids, year, ct);
        return projects.GroupBy(p => p.EnterpriseId).Select(g =>
        {
            var live = g.Where(p => p.Status != PlanStatuses.Abandoned).ToArray();
            var completed = g.Where(p => p.Status == PlanStatuses.Completed).ToArray();
            return new ScoreboardEnterprise(g.Key, g.First().EnterpriseName, g.Count(), g.Select(p => p.Status).ToArray(),
                g.Any(p => p.Diagnosed > 0), g.Any(p => p.Matched > 0), engaged.Contains(g.Key), completed.Length > 0,
                live.Sum(p => p.PlannedInvestmentYuan), completed.Sum(p => p.ActualInvestmentYuan ?? 0));
        }).OrderBy(e => e.EnterpriseName, StringComparer.Ordinal).ThenBy(e => e.EnterpriseId).ToArray();
    }

    private ScoreboardRow Row(District district, IReadOnlyList<ScoreboardEnterprise> enterprises)
    {
        var rules = options.Value;
        if (enterprises.Count == 0)
        {
            return new ScoreboardRow(district.Code, district.Name, 0, 0, null, null, null, null, 0, 0, null, null, rules.NoPlan, null);
        }
        double Share(Func<ScoreboardEnterprise, bool> counts) => (double)enterprises.Count(counts) / enterprises.Count;
        var planned = enterprises.Sum(e => e.PlannedInvestmentYuan);
        var completedInvestment = enterprises.Sum(e => e.CompletedInvestmentYuan);
        double? investment = planned > 0 ? Math.Min(1, (double)completedInvestment / planned) : null;
        var engaged = Share(e => e.Engaged);
        var diagnosed = Share(e => e.Diagnosed);
        var matched = Share(e => e.Matched);
        var completed = Share(e => e.Completed);
        var w = rules.Weights;
        (double? Value, double Weight)[] parts = [(diagnosed, w.Diagnosed), (matched, w.Matched), (engaged, w.Engaged), (completed, w.Completed), (investment, w.Investment)];
        var weight = parts.Where(p => p.Value is not null).Sum(p => p.Weight);
        double? score = weight > 0 ? Math.Round(parts.Where(p => p.Value is not null).Sum(p => p.Value!.Value * p.Weight) / weight, 4) : null;
        // Shares are shown to four places; the score is taken from the exact ones (⅓ weighs ⅓, not 0.3333).
        static double? Shown(double? share) => share is { } s ? Math.Round(s, 4) : null;
        return new ScoreboardRow(district.Code, district.Name, enterprises.Count, enterprises.Sum(e => e.Projects), Shown(diagnosed), Shown(matched),
            Shown(engaged), Shown(completed), planned, completedInvestment, Shown(investment), score, score is null ? rules.NoPlan : rules.ColourOf(score.Value), null);
    }
}

internal static class ScoreboardSql
{
    /// <summary>
    /// The year's plan projects with, per project, whether its diagnosis has a submitted report and whether its enterprise
    /// has a demand item with matches on a list made by the end of that year (China time; any of its lists: the diagnosis
    /// list or its own): a list made after the year does not count for it. Not frozen: an item added to an older list, or
    /// matched for the first time, later still counts, and an engagement declined later no longer does.
    /// </summary>
    public const string Projects = """
        SELECT p.district AS District, p.enterprise_id AS EnterpriseId, o.name AS EnterpriseName, p.status AS Status,
               p.planned_investment_yuan AS PlannedInvestmentYuan, p.actual_investment_yuan AS ActualInvestmentYuan,
               CASE WHEN EXISTS (SELECT 1 FROM diagnoses d WHERE d.project_id = p.id AND d.latest_version > 0) THEN 1 ELSE 0 END AS Diagnosed,
               CASE WHEN EXISTS (SELECT 1 FROM demand_lists l JOIN demand_items i ON i.list_id = l.id
                                 WHERE l.owner_id = p.enterprise_id AND i.removed_at IS NULL AND i.best_score IS NOT NULL
                                   AND l.created_at < @YearEnd) THEN 1 ELSE 0 END AS Matched
        FROM plan_projects p JOIN organizations o ON o.id = p.enterprise_id
        WHERE p.year = @Year AND (@District IS NULL OR p.district = @District)
        ORDER BY p.district, p.enterprise_id
        """;
}
