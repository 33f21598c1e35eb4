namespace Marketplace.Core.Searching;

/// <summary>
/// Told after the indexer has written documents to the search index (e.g. so matching can recompute
/// demand items that a newly published offering would enter). Failures are logged, never retried into the index.
/// </summary>
public interface IOfferingIndexObserver
{
    Task OnIndexedAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct);
}
