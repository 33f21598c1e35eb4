using Marketplace.Core.Demands;
using Marketplace.Core.Engagements;
using Marketplace.Core.Leasing;
using Marketplace.Core.Matching;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Demands;

public static class DemandServices
{
    /// <summary>Demand lists, matching, the match feed, statistics, leads and engagements; re-matching observes the indexer.</summary>
    public static IServiceCollection AddDemands(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(sp => new DirectionInference(sp.GetRequiredService<TaxonomyCatalog>()));
        services.TryAddSingleton(sp => NeedModel.Build(sp.GetRequiredService<TaxonomyCatalog>(), sp.GetRequiredService<IWordSegmentation>(), sp.GetRequiredService<IWordKnowledge>()));
        services.TryAddSingleton<DemandMatcher>();
        services.AddOptions<MatchingOptions>().Bind(configuration.GetSection(MatchingOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MatchingOptions>, MatchingOptionsValidator>());
        services.TryAddSingleton<CatalogLanguage>();
        services.TryAddSingleton<MatchEvidence>();
        services.TryAddSingleton<MatchRuns>();
        services.TryAddSingleton<MatchQueries>();
        services.TryAddSingleton<DemandStore>();
        services.TryAddSingleton<SupplyDemandStats>();
        services.TryAddSingleton<LeadQueries>();
        services.TryAddSingleton<EngagementStore>();
        services.TryAddSingleton<RatingStore>();
        services.TryAddSingleton<Marketplace.Core.Cases.CaseStore>();
        // The catalog's language first: the re-matcher then reads the open demands with what the batch taught.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOfferingIndexObserver, CatalogLanguage>(sp => sp.GetRequiredService<CatalogLanguage>()));
        services.TryAddSingleton<RematchQueue>();
        services.AddSingleton<IHolderBoundRows>(sp => sp.GetRequiredService<RematchQueue>());
        services.TryAddSingleton<RematchSignal>();
        services.TryAddSingleton<DemandRematcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOfferingIndexObserver, DemandRematcher>(sp => sp.GetRequiredService<DemandRematcher>()));
        return services;
    }
}
