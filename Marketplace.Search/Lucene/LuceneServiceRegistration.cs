using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Search.Lucene;

public static class LuceneServiceRegistration
{
    /// <summary>Registers the embedded Lucene.Net engine as the singleton <see cref="IOfferingIndex"/>.</summary>
    public static IServiceCollection AddLuceneOfferingIndex(this IServiceCollection services, string indexDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(indexDirectory);
        services.TryAddSingleton(TaxonomyCatalog.Default);
        services.TryAddSingleton(sp => new Thesaurus(sp.GetRequiredService<TaxonomyCatalog>()));
        services.AddSingleton(new LuceneIndexOptions { IndexDirectory = indexDirectory });
        services.AddSingleton(sp => new LuceneOfferingIndex(
            sp.GetRequiredService<LuceneIndexOptions>(),
            sp.GetRequiredService<Thesaurus>(),
            sp.GetRequiredService<TaxonomyCatalog>()));
        services.AddSingleton<IOfferingIndex>(sp => sp.GetRequiredService<LuceneOfferingIndex>());
        return services;
    }
}
