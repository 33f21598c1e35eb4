namespace Marketplace.Core.Plans;

/// <summary>
/// The seam between district plans and engagements (对接): which enterprises have an engagement. Until engagements
/// exist in this deployment the answer is null ("unknown"), so the scoreboard shows no engagement share and leaves
/// its weight out instead of counting zero.
/// </summary>
public interface IPlanEngagements
{
    /// <summary>Whether engagements exist in this deployment.</summary>
    bool Available { get; }

    /// <summary>The engagement if it exists and <paramref name="enterpriseId"/> is its enterprise; null otherwise (or when not available).</summary>
    Task<PlanEngagement?> FindForEnterpriseAsync(Guid engagementId, Guid enterpriseId, CancellationToken ct);

    /// <summary>Of <paramref name="enterpriseIds"/>, those with at least one engagement; null when engagements are not available.</summary>
    Task<IReadOnlySet<Guid>?> EnterprisesWithEngagementsAsync(IReadOnlyCollection<Guid> enterpriseIds, CancellationToken ct);
}

/// <summary>No engagement data: every share with an engagement is unknown.</summary>
public sealed class NoPlanEngagements : IPlanEngagements
{
    public bool Available => false;

    public Task<PlanEngagement?> FindForEnterpriseAsync(Guid engagementId, Guid enterpriseId, CancellationToken ct) => Task.FromResult<PlanEngagement?>(null);

    public Task<IReadOnlySet<Guid>?> EnterprisesWithEngagementsAsync(IReadOnlyCollection<Guid> enterpriseIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlySet<Guid>?>(null);
}

/// <summary>What plans and financing need of an engagement: its id and the directions of the offering engaged.</summary>
public sealed record PlanEngagement(Guid Id, IReadOnlyList<string> Directions);
