using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Matching;

/// <param name="EngagementId">The engagement the enterprise opened for this match, if any (the latest).</param>
/// <param name="EngagementStatus">Its status: a lead that became an engagement.</param>
public sealed record LeadMatch(Guid OfferingId, Guid RevisionId, string Title, int Rank, double Score, Guid? EngagementId, string? EngagementStatus);

/// <summary>
/// A demand item whose latest matches include the integrator's offerings. The enterprise is named only when it
/// opted in (<c>discloseName</c>); otherwise only its district and industry are shown.
/// </summary>
public sealed record Lead(
    Guid ListId,
    Guid ItemId,
    string Text,
    long? BudgetYuan,
    int? WithinDays,
    string? Direction,
    string? EnterpriseName,
    string EnterpriseDistrict,
    string? EnterpriseIndustry,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<LeadMatch> Matches);

public sealed class LeadQueries(Database db, Engagements.EngagementStore engagements)
{
    private sealed class LeadRow
    {
        public Guid ItemId { get; init; }
        public Guid ListId { get; init; }
        public string Text { get; init; } = "";
        public long? BudgetYuan { get; init; }
        public int? WithinDays { get; init; }
        public string? Direction { get; init; }
        public Guid EventId { get; init; }
        public string EnterpriseName { get; init; } = "";
        public string District { get; init; } = "";
        public string? Industry { get; init; }
        public bool DiscloseName { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
    }

    private sealed class MatchRow
    {
        public Guid EventId { get; init; }
        public int Ordinal { get; init; }
        public Guid OfferingId { get; init; }
        public Guid RevisionId { get; init; }
        public string Title { get; init; } = "";
        public double Score { get; init; }
    }

    /// <summary>Open demand items whose latest stored matches include offerings of <paramref name="actor"/>'s organization.</summary>
    public async Task<PagedList<Lead>> LeadsAsync(Actor actor, int page, int pageSize, CancellationToken ct)
    {
        if (actor.Kind != OrganizationKind.Integrator)
        {
            throw new ForbiddenException("只有服务商有商机线索 (only integrators have leads).");
        }
        await using var c = await db.OpenAsync(ct);
        var args = new { SupplierId = actor.OrganizationId, Skip = (page - 1) * pageSize, Take = pageSize };
        var total = await c.ExecuteScalarAsync<long>(db.Command(MatchSql.CountLeads, args, ct: ct));
        var rows = (await c.QueryAsync<LeadRow>(db.Command(db.Dialect.Page(MatchSql.Leads), args, ct: ct))).ToArray();
        var matches = rows.Length == 0
            ? []
            : (await c.QueryAsync<MatchRow>(db.Command(MatchSql.LeadMatches, new { EventIds = DapperTypeHandlers.ListParameter(rows.Select(r => r.EventId)), SupplierId = actor.OrganizationId }, ct: ct))).ToArray();
        var byEvent = matches.ToLookup(m => m.EventId);
        var engaged = (await engagements.OfIntegratorItemsAsync(actor.OrganizationId, rows.Select(r => r.ItemId).ToArray(), ct))
            .GroupBy(e => (e.ItemId, e.OfferingId))
            .ToDictionary(g => g.Key, g => g.MaxBy(e => e.UpdatedAt)!);
        var leads = rows.Select(r => new Lead(r.ListId, r.ItemId, r.Text, r.BudgetYuan, r.WithinDays, r.Direction,
                r.DiscloseName ? r.EnterpriseName : null, r.District, r.Industry, r.UpdatedAt,
                byEvent[r.EventId].OrderBy(m => m.Ordinal).Select(m =>
                {
                    var engagement = engaged.GetValueOrDefault((r.ItemId, m.OfferingId));
                    return new LeadMatch(m.OfferingId, m.RevisionId, m.Title, m.Ordinal, m.Score, engagement?.Id, engagement?.Status);
                }).ToArray()))
            .ToArray();
        return new PagedList<Lead>(leads, page, pageSize, total);
    }
}
