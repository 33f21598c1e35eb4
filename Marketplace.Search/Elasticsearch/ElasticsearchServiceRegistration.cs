using Elastic.Clients.Elasticsearch;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Search.Elasticsearch;

public static class ElasticsearchServiceRegistration
{
    /// <summary>
    /// Registers the Elasticsearch engine as the <see cref="IOfferingIndex"/>: one singleton
    /// <see cref="ElasticsearchClient"/> (API key or basic authentication) and one index. Uses a
    /// registered <see cref="Thesaurus"/> when there is one, else <see cref="Thesaurus.Default"/>.
    /// </summary>
    public static IServiceCollection AddElasticsearchOfferingIndex(this IServiceCollection services, ElasticsearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        services.AddSingleton(options);
        services.AddSingleton(_ => new ElasticsearchClient(ElasticsearchOfferingIndex.CreateClientSettings(options)));
        services.AddSingleton(sp => new ElasticsearchOfferingIndex(
            sp.GetRequiredService<ElasticsearchClient>(),
            options,
            sp.GetService<Thesaurus>() ?? Thesaurus.Default,
            sp.GetService<ILogger<ElasticsearchOfferingIndex>>(),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IOfferingIndex>(sp => sp.GetRequiredService<ElasticsearchOfferingIndex>());
        return services;
    }
}
