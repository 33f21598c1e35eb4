using Marketplace.Core.Searching;

namespace Marketplace.Tests.Search;

/// <summary>
/// One behavioural suite that every search engine must pass. Engines derive a fixture that
/// creates a fresh, empty index per test.
/// </summary>
public abstract class OfferingIndexConformance
{
    /// <summary>A new, empty, created index for one test.</summary>
    protected abstract Task<IOfferingIndex> CreateIndexAsync();

    /// <summary>Makes recent writes visible to search (refresh), where the engine needs it.</summary>
    protected virtual Task RefreshAsync(IOfferingIndex index) => Task.CompletedTask;

    protected static OfferingDocument Doc(string title, string direction = "general", long version = 1, bool live = true) => new()
    {
        Id = Guid.NewGuid(),
        Version = version,
        Live = live,
        RevisionId = Guid.NewGuid(),
        Title = title,
        Summary = title,
        Directions = [direction],
        Type = "tool",
        Deployment = "saas",
        Districts = ["全市"],
        PriceMinYuan = 10_000,
        PriceMaxYuan = 20_000,
        ImplementationDays = 30,
        PublishedAt = DateTimeOffset.UtcNow,
    };

    [Test]
    public async Task Finds_a_written_document_by_a_chinese_query()
    {
        var index = await CreateIndexAsync();
        var doc = Doc("弧焊机器人工作站");
        await index.WriteAsync([doc], CancellationToken.None);
        await RefreshAsync(index);

        var result = await index.SearchAsync(new OfferingSearchRequest { Text = "弧焊机器人" }, CancellationToken.None);

        Assert.That(result.Hits.Select(h => h.Id), Does.Contain(doc.Id));
    }
}
