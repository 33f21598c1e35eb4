using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Leasing;

/// <summary>
/// This process's leases: the holder id to claim with, the expiry to claim until, and <see cref="Hold"/>, which keeps a
/// claimed batch renewed while it is being worked on.
/// </summary>
public sealed class Leases(LeaseHolder holder, IOptions<LeaseOptions> options, TimeProvider clock, ILogger<Leases> logger)
{
    public LeaseHolder Holder => holder;

    public TimeSpan Duration => options.Value.Duration;

    /// <summary>The expiry of a claim made now.</summary>
    public DateTimeOffset ExpiryFromNow() => clock.GetUtcNow() + options.Value.Duration;

    /// <summary>
    /// Renews the leases on <paramref name="keys"/> every <see cref="LeaseOptions.RenewEvery"/> until the returned lease is
    /// disposed. Its <see cref="HeldLease.Lost"/> token fires when another holder has taken rows over or when the renewal
    /// could not reach the database before the lease ran out: stop working on the batch and do not mark it done.
    /// </summary>
    public HeldLease Hold(ILeasedQueue queue, IReadOnlyCollection<long> keys, CancellationToken ct) =>
        new(queue, holder.Id, keys, options.Value, clock, logger, ct);
}

/// <summary>A claimed batch whose leases are being renewed in the background (see <see cref="Leases.Hold"/>).</summary>
public sealed class HeldLease : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop;
    private readonly Task _renewing;

    /// <summary>The rows still being worked on: renewed, and counted when a renewal checks that none was taken over.</summary>
    private readonly ConcurrentDictionary<long, byte> _working;

    internal HeldLease(ILeasedQueue queue, string holderId, IReadOnlyCollection<long> keys, LeaseOptions options, TimeProvider clock, ILogger logger,
        CancellationToken ct)
    {
        _working = new ConcurrentDictionary<long, byte>(keys.Select(k => KeyValuePair.Create(k, (byte)0)));
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _renewing = keys.Count == 0 ? Task.CompletedTask : RenewAsync(queue, holderId, options, clock, logger, _stop.Token);
    }

    /// <summary>Fires when the rows may no longer be ours.</summary>
    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>
    /// The row is done with (call it before settling the row, which clears its claim): it is no longer renewed, so a batch
    /// settled one row at a time is not taken for a lease another holder took over.
    /// </summary>
    public void Finished(long key) => _working.TryRemove(key, out _);

    private async Task RenewAsync(ILeasedQueue queue, string holderId, LeaseOptions options, TimeProvider clock, ILogger logger, CancellationToken stop)
    {
        var confirmedUntil = clock.GetUtcNow() + options.Duration;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.RenewEvery, clock, stop);
                var keys = _working.Keys.ToArray();
                if (keys.Length == 0)
                {
                    return;
                }
                var until = clock.GetUtcNow() + options.Duration;
                var held = await queue.RenewAsync(holderId, keys, until, stop);
                // A row finished while the renewal ran may have been settled before it: only the rows still worked on must be held.
                var working = keys.Count(_working.ContainsKey);
                if (held < working)
                {
                    logger.LogWarning("{Queue}: {Lost} of {Count} leased rows of {Holder} were taken over by another holder; abandoning the batch",
                        queue.Name, working - held, working, holderId);
                    await _lost.CancelAsync();
                    return;
                }
                confirmedUntil = until;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (clock.GetUtcNow() + options.RenewEvery >= confirmedUntil)
                {
                    logger.LogError(e, "{Queue}: could not renew the leases of {Holder} before they run out; abandoning the batch", queue.Name, holderId);
                    await _lost.CancelAsync();
                    return;
                }
                logger.LogWarning(e, "{Queue}: renewing the leases of {Holder} failed; retrying", queue.Name, holderId);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
        _lost.Dispose();
    }
}
