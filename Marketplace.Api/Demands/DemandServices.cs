using Marketplace.Core.Demands;
using Marketplace.Core.Engagements;
using Marketplace.Core.Matching;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Api.Demands;

public static class DemandServices
{
    /// <summary>Demand lists, matching, the match feed, statistics, leads and engagements; re-matching observes the indexer.</summary>
    public static IServiceCollection AddDemands(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new DirectionInference(sp.GetRequiredService<TaxonomyCatalog>()));
        services.TryAddSingleton(sp => NeedModel.Build(sp.GetRequiredService<TaxonomyCatalog>(), sp.GetRequiredService<IWordSegmentation>()));
        services.TryAddSingleton<DemandMatcher>();
        services.TryAddSingleton<MatchEvidence>();
        services.TryAddSingleton<MatchRuns>();
        services.TryAddSingleton<MatchQueries>();
        services.TryAddSingleton<DemandStore>();
        services.TryAddSingleton<SupplyDemandStats>();
        services.TryAddSingleton<LeadQueries>();
        services.TryAddSingleton<EngagementStore>();
        services.TryAddSingleton<RatingStore>();
        services.TryAddSingleton<Marketplace.Core.Cases.CaseStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOfferingIndexObserver, DemandRematcher>());
        return services;
    }
}
