using Marketplace.Core.Common;
using Marketplace.Core.Jobs;
using Marketplace.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Tests.Indexing;

[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.SqlServer, Category = TestCategories.SqlServer)]
public class JobStoreTests(StorageKind storage)
{
    [Test]
    public async Task Of_requests_made_at_the_same_instant_exactly_one_queues_a_job()
    {
        using var app = MarketplaceApp.WithStorage(storage);
        _ = app.Client(); // starts the host: migrations
        var jobs = app.Services.GetRequiredService<JobStore>();
        var kind = "test-" + Guid.NewGuid().ToString("N")[..8];
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await jobs.CreateAsync(kind, "node", Guid.NewGuid(), CancellationToken.None);
                return true;
            }
            catch (ConflictException)
            {
                return false;
            }
        })).ToList();
        start.Set();
        var queued = await Task.WhenAll(attempts);

        Assert.That(queued.Count(q => q), Is.EqualTo(1));
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }
}
