using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// A rebuild into a new generation. Live writes made meanwhile are applied to it too (version-guarded
/// both ways, so a snapshot row older than a live write never wins). Disposing without swapping
/// abandons the new generation.
/// </summary>
internal sealed class LuceneRebuild(LuceneOfferingIndex owner, IndexGeneration target) : IIndexRebuild
{
    public IndexGeneration Target { get; } = target;

    public Task AddAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct) => owner.AddToRebuildAsync(this, documents, ct);

    public Task SwapAsync(CancellationToken ct) => owner.SwapAsync(this, ct);

    public async ValueTask DisposeAsync() => await owner.AbandonAsync(this);
}
