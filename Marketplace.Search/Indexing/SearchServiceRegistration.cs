using Elastic.Clients.Elasticsearch;
using Marketplace.Core.Jobs;
using Marketplace.Core.Leasing;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Elasticsearch;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Search.Indexing;

public static class SearchServiceRegistration
{
    /// <summary>
    /// Registers search from <c>Marketplace:Search</c>: the configured engine as <see cref="IOfferingIndex"/>
    /// (Lucene by default, or Elasticsearch), the outbox, the indexer, jobs and the rebuild service. The engine is
    /// chosen when first resolved, from validated options. Background work (index creation at start-up, the
    /// outbox indexer, rebuilds) is added by <see cref="AddMarketplaceSearchWorkers"/>.
    /// </summary>
    public static IServiceCollection AddMarketplaceSearch(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SearchOptions>().Bind(configuration.GetSection(SearchOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SearchOptions>, SearchOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(TaxonomyCatalog.Default);
        services.TryAddSingleton(Thesaurus.Default);

        services.AddLeasing(configuration);
        services.TryAddSingleton<SearchIndexSignal>();
        services.TryAddSingleton<ITextAnalysis, Analysis.ChineseTextAnalysis>();
        services.TryAddSingleton<IWordSegmentation, Analysis.JiebaWordSegmentation>();
        services.TryAddSingleton<IWordKnowledge, Analysis.JiebaWordKnowledge>();
        if (!services.Any(s => s.ServiceType == typeof(SearchOutbox)))
        {
            services.AddSingleton<SearchOutbox>();
            services.AddSingleton<IHolderBoundRows>(sp => sp.GetRequiredService<SearchOutbox>());
        }
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<SearchIndexer>();
        services.TryAddSingleton<SearchRebuildService>();
        services.TryAddSingleton<OutboxFollower>();
        services.TryAddSingleton<SearchReconciler>();

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SearchOptions>>().Value;
            return new LuceneOfferingIndex(
                new LuceneIndexOptions
                {
                    IndexDirectory = options.IndexDirectory!,
                    ResultCacheEntries = options.ResultCacheEntries,
                    PostingsCacheMegabytes = options.PostingsCacheMegabytes,
                    WarmUpPostings = options.WarmUpPostings,
                    MaxConcurrentSearches = options.MaxConcurrentSearches,
                    RebuildRamBufferSizeMb = options.RebuildRamBufferMegabytes,
                },
                sp.GetRequiredService<Thesaurus>(),
                sp.GetRequiredService<TaxonomyCatalog>(),
                sp.GetRequiredService<ILogger<LuceneOfferingIndex>>());
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SearchOptions>>().Value.Elasticsearch.ToOptions();
            return new ElasticsearchOfferingIndex(
                new ElasticsearchClient(ElasticsearchOfferingIndex.CreateClientSettings(options)),
                options,
                sp.GetRequiredService<Thesaurus>(),
                sp.GetService<ILogger<ElasticsearchOfferingIndex>>(),
                sp.GetService<TimeProvider>());
        });
        services.TryAddSingleton<SearchIndexStatus>();
        services.TryAddSingleton<IOfferingIndex>(sp => new AvailabilityGatedIndex(
            sp.GetRequiredService<IOptions<SearchOptions>>().Value.Provider switch
            {
                SearchProvider.Elasticsearch => sp.GetRequiredService<ElasticsearchOfferingIndex>(),
                _ => sp.GetRequiredService<LuceneOfferingIndex>(),
            },
            sp.GetRequiredService<SearchIndexStatus>()));
        return services;
    }

    /// <summary>Start-up index creation, the outbox indexer and the rebuild loop (not while generating the OpenAPI document).</summary>
    public static IServiceCollection AddMarketplaceSearchWorkers(this IServiceCollection services)
    {
        services.AddHostedService<SearchIndexStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<SearchIndexer>());
        // A node's own Lucene index follows every change (a shared Elasticsearch index needs no follower).
        services.AddSingleton<IHostedService>(sp =>
            sp.GetRequiredService<IOptions<SearchOptions>>().Value is { Provider: SearchProvider.Lucene, Indexer.Enabled: true }
                ? sp.GetRequiredService<OutboxFollower>()
                : new NothingToFollow());
        services.AddHostedService(sp => sp.GetRequiredService<SearchRebuildService>());
        services.AddHostedService<SearchReconciliationService>();
        return services;
    }
}

internal sealed class NothingToFollow : IHostedService
{
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
