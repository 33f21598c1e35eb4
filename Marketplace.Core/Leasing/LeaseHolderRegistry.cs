using Dapper;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Leasing;

/// <summary>A registered lease holder as stored (one row per running process of any node).</summary>
public sealed record RegisteredHolder
{
    public string HolderId { get; init; } = "";
    public string NodeName { get; init; } = "";
    public string Host { get; init; } = "";
    public int ProcessId { get; init; }
    public DateTimeOffset ProcessStartedAt { get; init; }
    public DateTimeOffset RegisteredAt { get; init; }
    public DateTimeOffset HeartbeatAt { get; init; }

    public LeaseHolder ToHolder() => new(HolderId, NodeName, Host, ProcessId, ProcessStartedAt);
}

/// <summary>
/// The <c>lease_holders</c> table: every running process registers itself and heartbeats, so any process can tell which
/// holders are gone — on its own host at once (the process no longer runs), elsewhere when the heartbeat is older than a
/// lease — and free the rows they had leased.
/// </summary>
public sealed class LeaseHolderRegistry(Database db, TimeProvider clock)
{
    public async Task RegisterAsync(LeaseHolder holder, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(db.Command(LeaseSql.Register, new
        {
            HolderId = holder.Id,
            holder.NodeName,
            holder.Host,
            holder.ProcessId,
            holder.ProcessStartedAt,
            Now = now,
        }, ct: ct));
    }

    /// <summary>Records that <paramref name="holder"/> is alive; registers it again when another process had judged it gone.</summary>
    public async Task HeartbeatAsync(LeaseHolder holder, CancellationToken ct)
    {
        int updated;
        await using (var c = await db.OpenAsync(ct))
        {
            updated = await c.ExecuteAsync(db.Command(LeaseSql.Heartbeat, new { HolderId = holder.Id, Now = clock.GetUtcNow() }, ct: ct));
        }
        if (updated == 0)
        {
            await RegisterAsync(holder, ct);
        }
    }

    public async Task UnregisterAsync(string holderId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(db.Command(LeaseSql.Unregister, new { HolderId = holderId }, ct: ct));
    }

    /// <summary>Whether <paramref name="holderId"/> is registered: a holder judged gone is removed, and registers again if it was alive.</summary>
    public async Task<bool> IsRegisteredAsync(string holderId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(db.Command(LeaseSql.IsRegistered, new { HolderId = holderId }, ct: ct)) > 0;
    }

    public async Task<IReadOnlyList<RegisteredHolder>> ListAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<RegisteredHolder>(db.Command(LeaseSql.List, ct: ct))).ToArray();
    }

    /// <summary>
    /// Holders other than <paramref name="self"/> that are gone: their process is known to have ended, or their heartbeat
    /// is older than <paramref name="timeout"/>.
    /// </summary>
    public async Task<IReadOnlyList<RegisteredHolder>> FindGoneAsync(string self, TimeSpan timeout, CancellationToken ct)
    {
        var staleBefore = clock.GetUtcNow() - timeout;
        return (await ListAsync(ct))
            .Where(h => h.HolderId != self && (h.HeartbeatAt < staleBefore || h.ToHolder().IsGone()))
            .ToArray();
    }

    /// <summary>
    /// Removes a gone holder's registration unless it heartbeated since it was read; true when removed (then its leases are
    /// the caller's to free — one process does it, however many noticed).
    /// </summary>
    public async Task<bool> RemoveAsync(RegisteredHolder gone, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(db.Command(LeaseSql.Remove, new { gone.HolderId, gone.HeartbeatAt }, ct: ct)) == 1;
    }
}

public static class LeaseSql
{
    public const string Register = """
        INSERT INTO lease_holders (holder_id, node_name, host, process_id, process_started_at, registered_at, heartbeat_at)
        VALUES (@HolderId, @NodeName, @Host, @ProcessId, @ProcessStartedAt, @Now, @Now)
        """;

    public const string Heartbeat = "UPDATE lease_holders SET heartbeat_at = @Now WHERE holder_id = @HolderId";

    public const string Unregister = "DELETE FROM lease_holders WHERE holder_id = @HolderId";

    public const string Remove = "DELETE FROM lease_holders WHERE holder_id = @HolderId AND heartbeat_at = @HeartbeatAt";

    public const string IsRegistered = "SELECT COUNT(*) FROM lease_holders WHERE holder_id = @HolderId";

    public const string List = """
        SELECT holder_id AS HolderId, node_name AS NodeName, host AS Host, process_id AS ProcessId, process_started_at AS ProcessStartedAt,
               registered_at AS RegisteredAt, heartbeat_at AS HeartbeatAt
        FROM lease_holders ORDER BY registered_at, holder_id
        """;
}
