using Lucene.Net.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Keeps the searchers that served a page for <see cref="RetainFor"/> after a newer one replaced them (at most
/// <see cref="MaxKept"/>), as Elasticsearch keeps a point in time: a cursor names the reader version it was read from and the
/// next page is read from that same reader, so the ranking it continues is exactly the one it began (no offering skipped or
/// shown twice, whatever is published meanwhile). A cursor older than that goes on in the current ranking
/// (<see cref="LuceneOfferingIndex"/>'s fallback). Old readers keep their segments open, hence the bounds.
/// </summary>
internal sealed class PagingSnapshots : IDisposable
{
    public static readonly TimeSpan RetainFor = TimeSpan.FromMinutes(10);

    public const int MaxKept = 32;

    private static readonly long PruneEveryTicks = TimeSpan.FromSeconds(5).Ticks;

    private readonly SearcherLifetimeManager _searchers = new();
    private long _nextPrune;

    /// <summary>Records <paramref name="searcher"/> (the current one) as one a cursor may come back to.</summary>
    public void Record(IndexSearcher searcher)
    {
        _searchers.Record(searcher);
        var now = DateTime.UtcNow.Ticks;
        var due = Interlocked.Read(ref _nextPrune);
        if (now >= due && Interlocked.CompareExchange(ref _nextPrune, now + PruneEveryTicks, due) == due)
        {
            _searchers.Prune(new OlderOrBeyond());
        }
    }

    /// <summary>The searcher of <paramref name="version"/> while it is kept (release it); null once it is gone.</summary>
    public IndexSearcher? Acquire(long version)
    {
        try
        {
            return _searchers.Acquire(version);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    public void Release(IndexSearcher searcher) => _searchers.Release(searcher);

    /// <summary>Lets every kept searcher go (tests: the fallback for cursors older than <see cref="RetainFor"/>).</summary>
    internal void DropAll() => _searchers.Prune(new Everything());

    public void Dispose() => _searchers.Dispose();

    private sealed class Everything : SearcherLifetimeManager.IPruner
    {
        public bool DoPrune(double ageSec, IndexSearcher searcher) => true;
    }

    /// <summary>Prunes a searcher replaced longer ago than <see cref="RetainFor"/>, and any beyond the newest <see cref="MaxKept"/>.</summary>
    private sealed class OlderOrBeyond : SearcherLifetimeManager.IPruner
    {
        private int _seen;

        public bool DoPrune(double ageSec, IndexSearcher searcher) => ++_seen > MaxKept || ageSec > RetainFor.TotalSeconds;
    }
}
