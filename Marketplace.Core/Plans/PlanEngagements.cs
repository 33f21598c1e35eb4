using System.Text.Json;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Engagements;
using Marketplace.Core.Offerings;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Plans;

/// <summary>An engagement as a plan project, the scoreboard and a financing need see it.</summary>
public sealed record PlanEngagement(Guid Id, Guid ListId, Guid ItemId, string OfferingTitle, string Status, IReadOnlyList<string> Directions, bool WasVerified)
{
    /// <summary>Declined, withdrawn, or closed after a dispute without 验收: no project came of it.</summary>
    public bool EndedWithoutProject => EngagementStatuses.TryParse(Status, out var status) && status.IsFinal() && !WasVerified;
}

/// <summary>
/// What district plans read of engagements (对接): those opened from a project's demand list, which enterprises have one
/// (the scoreboard's share), and an enterprise's own engagement (a financing need may be attached to it).
/// </summary>
public sealed class PlanEngagements(Database db)
{
    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid ListId { get; init; }
        public Guid ItemId { get; init; }
        public string OfferingTitle { get; init; } = "";
        public string Status { get; init; } = "";
        public string Content { get; init; } = "{}";
        public DateTimeOffset? VerifiedAt { get; init; }
        public Guid ProjectId { get; init; }

        public PlanEngagement ToEngagement() => new(Id, ListId, ItemId, OfferingTitle, Status, OfferingStore.Deserialize(Content).Directions, VerifiedAt is not null);
    }

    /// <summary>
    /// The engagements opened from the items of each project's demand lists, oldest first: every report version's list, so an
    /// engagement opened from a version's list stays in sight of the district office after a correction.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<PlanEngagement>>> OfProjectsAsync(IReadOnlyCollection<Guid> projectIds, CancellationToken ct)
    {
        var result = new Dictionary<Guid, IReadOnlyList<PlanEngagement>>();
        if (projectIds.Count == 0)
        {
            return result;
        }
        await using var c = await db.OpenAsync(ct);
        foreach (var chunk in projectIds.Distinct().Chunk(Database.KeysPerStatement))
        {
            var rows = await c.QueryAsync<Row>(db.Command(PlanEngagementSql.OfProjects, new { ProjectIds = DapperTypeHandlers.ListParameter(chunk) }, ct: ct));
            foreach (var group in rows.GroupBy(r => r.ProjectId))
            {
                result[group.Key] = group.Select(r => r.ToEngagement()).ToArray();
            }
        }
        return result;
    }

    /// <summary>Of <paramref name="enterpriseIds"/>, those with an engagement opened by the end of <paramref name="year"/> (China time) that was not declined or withdrawn.</summary>
    public async Task<IReadOnlySet<Guid>> EnterprisesWithEngagementsAsync(IReadOnlyCollection<Guid> enterpriseIds, int year, CancellationToken ct)
    {
        var engaged = new HashSet<Guid>();
        var yearEnd = ChinaTime.EndOfYear(year);
        await using var c = await db.OpenAsync(ct);
        foreach (var chunk in enterpriseIds.Distinct().Chunk(Database.KeysPerStatement))
        {
            engaged.UnionWith(await c.QueryAsync<Guid>(db.Command(PlanEngagementSql.EngagedEnterprises, new { EnterpriseIds = DapperTypeHandlers.ListParameter(chunk), YearEnd = yearEnd }, ct: ct)));
        }
        return engaged;
    }

    /// <summary>The engagement if <paramref name="enterpriseId"/> is its enterprise; null otherwise.</summary>
    public async Task<PlanEngagement?> FindForEnterpriseAsync(Guid engagementId, Guid enterpriseId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(db.Command(PlanEngagementSql.OfEnterprise, new { Id = engagementId, EnterpriseId = enterpriseId }, ct: ct));
        return row?.ToEngagement();
    }
}

internal static class PlanEngagementSql
{
    private const string Columns = """
        e.id AS Id, e.list_id AS ListId, e.item_id AS ItemId, e.offering_title AS OfferingTitle, e.status AS Status, r.content AS Content,
               e.verified_at AS VerifiedAt
        """;

    private const string Select = $"SELECT {Columns} FROM engagements e JOIN offering_revisions r ON r.id = e.revision_id";

    public const string OfProjects = $"""
        SELECT {Columns}, pl.project_id AS ProjectId
        FROM (SELECT DISTINCT dr.demand_list_id, d.project_id
              FROM diagnosis_reports dr JOIN diagnoses d ON d.id = dr.diagnosis_id
              WHERE d.project_id IN @ProjectIds) pl
        JOIN demand_items i ON i.list_id = pl.demand_list_id
        JOIN engagements e ON e.item_id = i.id
        JOIN offering_revisions r ON r.id = e.revision_id
        ORDER BY e.created_at, e.id
        """;

    public const string OfEnterprise = Select + " WHERE e.id = @Id AND e.enterprise_id = @EnterpriseId";

    public const string EngagedEnterprises = """
        SELECT DISTINCT enterprise_id FROM engagements
        WHERE enterprise_id IN @EnterpriseIds AND status NOT IN ('declined', 'withdrawn')
          AND created_at < @YearEnd
        """;
}
