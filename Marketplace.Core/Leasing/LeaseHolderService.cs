using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Leasing;

/// <summary>
/// Registers this process as a lease holder at start-up, heartbeats while it runs and unregisters at shutdown. At start-up
/// and at every heartbeat it frees the rows leased by holders that are gone (in every <see cref="IHolderBoundRows"/>), so work
/// a killed process had claimed is taken up again at once by its successor on the same host, and within a lease by any
/// other node. Start-up finishes only after this first pass: a node that reports ready has already freed its predecessor's rows.
/// </summary>
public sealed class LeaseHolderService(
    LeaseHolderRegistry registry,
    Leases leases,
    IServiceProvider services,
    IOptions<LeaseOptions> options,
    TimeProvider clock,
    ILogger<LeaseHolderService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken ct)
    {
        await registry.RegisterAsync(leases.Holder, ct);
        logger.LogInformation("Lease holder {Holder} registered (process {ProcessId} on {Node}; {Alias} to API users)", leases.Holder.Id, leases.Holder.ProcessId,
            leases.Holder.NodeName, LeaseHolder.AliasOf(leases.Holder.Id));
        await FreeGoneHoldersAsync(ct);
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.RenewEvery, clock, stoppingToken);
                await registry.HeartbeatAsync(leases.Holder, stoppingToken);
                await FreeGoneHoldersAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Lease holder {Holder}: heartbeat failed; retrying", leases.Holder.Id);
            }
        }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        try
        {
            await registry.UnregisterAsync(leases.Holder.Id, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Lease holder {Holder} could not unregister; others will drop it after its heartbeat times out", leases.Holder.Id);
        }
    }

    /// <summary>Frees the rows of every holder that is gone; returns how many rows were freed.</summary>
    public async Task<int> FreeGoneHoldersAsync(CancellationToken ct)
    {
        var freed = 0;
        foreach (var gone in await registry.FindGoneAsync(leases.Holder.Id, options.Value.Duration, ct))
        {
            if (!await registry.RemoveAsync(gone, ct))
            {
                continue; // it heartbeated meanwhile, or another process is freeing it
            }
            var ended = gone.ToHolder().IsGone();
            var reason = ended
                ? $"its process {gone.ProcessId} on this host has ended"
                : $"no heartbeat since {gone.HeartbeatAt:O}";
            foreach (var table in services.GetServices<IHolderBoundRows>())
            {
                var rows = await table.ReleaseHolderAsync(gone.HolderId, ended, ct);
                freed += rows;
                if (rows > 0)
                {
                    logger.LogWarning("{Table}: freed {Rows} rows held by {Holder}, which is gone ({Reason})", table.Name, rows, gone.HolderId, reason);
                }
            }
            logger.LogInformation("Lease holder {Holder} removed: {Reason}", gone.HolderId, reason);
        }
        return freed;
    }
}
