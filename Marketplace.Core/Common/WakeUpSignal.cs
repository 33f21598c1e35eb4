namespace Marketplace.Core.Common;

/// <summary>
/// An in-process wake-up call for a background worker that otherwise polls (the search indexer, the webhook deliverer):
/// poked after work was committed, so it starts at once instead of at the next poll. Pokes coalesce; a missed poke only
/// costs one poll. Each worker has its own subclass, so each is its own service.
/// </summary>
public abstract class WakeUpSignal
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
