namespace Marketplace.Core.Leasing;

/// <summary>
/// Rows a process keeps as its own while it runs — the rows it leased from a queue (<see cref="ILeasedQueue"/>), the
/// record of a request with an Idempotency-Key it is answering — and that must be freed once it is gone. Register each
/// table as an <see cref="IHolderBoundRows"/> singleton so the <see cref="LeaseHolderService"/> frees them.
/// </summary>
public interface IHolderBoundRows
{
    /// <summary>Names the rows in logs and status reports.</summary>
    string Name { get; }

    /// <summary>Frees every unfinished row held by <paramref name="holderId"/> (a holder that is gone); returns how many.</summary>
    /// <param name="processEnded">
    /// True when its process certainly ended (it ran on this host and runs no more); false when it is judged gone by its
    /// heartbeat alone, which a live process cut off from the database for a lease can miss too.
    /// </param>
    Task<int> ReleaseHolderAsync(string holderId, bool processEnded, CancellationToken ct);
}
