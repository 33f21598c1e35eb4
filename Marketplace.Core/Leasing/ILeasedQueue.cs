namespace Marketplace.Core.Leasing;

/// <summary>
/// A table of work rows that processes claim with a lease (<c>claimed_by</c> = the holder's id, <c>claimed_until</c> = the
/// expiry), such as the search outbox. Claiming stays the queue's own statement (it picks rows in its own order); this is
/// what the shared lease machinery needs: renewing a batch while it is worked on, and freeing the rows of a holder that is gone.
/// Register each queue as an <see cref="IHolderBoundRows"/> singleton so the <see cref="LeaseHolderService"/> can free them.
/// </summary>
public interface ILeasedQueue : IHolderBoundRows
{
    /// <summary>
    /// Extends to <paramref name="until"/> the leases <paramref name="holderId"/> still holds on the unfinished rows
    /// <paramref name="keys"/>; returns how many it still holds (fewer than asked: another holder took some over).
    /// </summary>
    Task<int> RenewAsync(string holderId, IReadOnlyCollection<long> keys, DateTimeOffset until, CancellationToken ct);
}
