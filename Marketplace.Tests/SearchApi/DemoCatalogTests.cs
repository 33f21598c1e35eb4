using Marketplace.Tests.Indexing;

namespace Marketplace.Tests.SearchApi;

public class DemoCatalogTests
{
    [Test]
    public async Task The_demo_catalog_is_loaded_once_and_covers_every_direction()
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        var settings = SearchTestHost.Settings(("Marketplace:SeedDemo", "true"));
        using (var first = new SearchTestHost(directory, settings))
        {
            // A new data folder seeded with the demo builds its index in the background: searches answer 503 until then.
            await SearchTestHost.EventuallyAsync(async () => (await first.SearchOnceIndexedAsync(""))?["total"]!.GetValue<long>() == 24, TimeSpan.FromSeconds(15), "24 demo offerings indexed");
            var directions = (await first.SearchAsync(""))["facets"]!["direction"]!.AsArray().Select(f => f!["value"]!.GetValue<string>());
            Assert.That(directions, Is.EquivalentTo(new[] { "machinery", "electronics", "metallurgy", "building-materials", "chemicals", "food", "light-textile", "general" }));
            Assert.That(SearchTestHost.Ids(await first.SearchAsync("?q=制造执行系统")), Is.Not.Empty);
            Assert.That(SearchTestHost.Ids(await first.SearchAsync("?q=AGV&direction=general")), Is.Not.Empty);
        }
        var second = new SearchTestHost(directory, settings);
        try
        {
            await Task.Delay(500);
            Assert.That((await second.SearchAsync(""))["total"]!.GetValue<long>(), Is.EqualTo(24), "not loaded twice");
        }
        finally
        {
            second.DisposeAndDelete();
        }
    }
}
