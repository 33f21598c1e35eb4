namespace Marketplace.Core.Searching;

/// <summary>
/// An in-process wake-up call for the outbox indexer: poked after a publish or retire commits, so the
/// change is indexed at once instead of at the next poll. Pokes coalesce; a missed poke only costs one poll.
/// </summary>
public sealed class SearchIndexSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Poke()
    {
        try
        {
            if (_pending.CurrentCount == 0)
            {
                _pending.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Waits for a poke or <paramref name="timeout"/>; true when poked.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _pending.WaitAsync(timeout, ct);
}
