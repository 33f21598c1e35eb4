using Marketplace.Api.Demands;
using Marketplace.Core.Matching;
using Marketplace.Core.Offerings;
using Marketplace.Tests.Api;
using Marketplace.Tests.Indexing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Marketplace.Tests.Matching;

public class MatchingWarmUpTests
{
    [Test]
    public async Task A_restarted_node_reads_the_items_of_the_offerings_already_live_before_any_match_asks()
    {
        var first = new SearchTestHost(settings: SearchTestHost.Settings());
        string data;
        try
        {
            var integrator = await first.CreateIntegratorAsync();
            await first.PublishAsync(integrator, MarketplaceApp.OfferingBody());
            data = first.DataDirectory;
        }
        finally
        {
            first.Dispose();
        }

        var second = new SearchTestHost(data, SearchTestHost.Settings());
        try
        {
            var live = new List<Guid>();
            await foreach (var batch in second.Service<OfferingStore>().LiveDocumentBatchesAsync(100, CancellationToken.None))
            {
                live.AddRange(batch.Select(d => d.RevisionId));
            }
            Assert.That(live, Has.Count.EqualTo(1));
            var matcher = second.Service<DemandMatcher>();
            await SearchTestHost.EventuallyAsync(() => Task.FromResult(matcher.IsPrepared(live[0])), TimeSpan.FromSeconds(20),
                "the matching warm-up read the live offering's items");

            // The same read fills a catalog language before the warm-up ends (readiness waits for it): demands are read with
            // the catalog's language from the node's first request, without a second read of the catalog. (A language of its
            // own, which no other service of the host fills.)
            var language = new CatalogLanguage(matcher, second.Service<NeedModel>(), second.Service<IOptions<MatchingOptions>>(), TimeProvider.System);
            var warmUp = new MatchingWarmUp(second.Service<OfferingStore>(), matcher, language, second.Service<IOptions<MatchingOptions>>(),
                NullLogger<MatchingWarmUp>.Instance);
            await warmUp.StartAsync(CancellationToken.None);
            await warmUp.Completed.WaitAsync(TimeSpan.FromSeconds(20));
            await warmUp.StopAsync(CancellationToken.None);
            Assert.That(warmUp.ReadCatalog?.Offerings, Is.EqualTo(1), "the catalog version the warm-up read");
            Assert.That(language.Examples, Is.EqualTo(1), "the live offering teaches its items' language");
        }
        finally
        {
            second.DisposeAndDelete();
        }
    }
}
