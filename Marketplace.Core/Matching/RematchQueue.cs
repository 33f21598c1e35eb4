using Dapper;
using Marketplace.Core.Leasing;
using Marketplace.Core.Searching;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Matching;

/// <summary>Wakes the re-match worker when the indexer queued work.</summary>
public sealed class RematchSignal : Common.WakeUpSignal;

/// <summary>One claimed re-match row: an offering just indexed (published or retired), and its directions (comma-separated).</summary>
public sealed record RematchEntry
{
    public long Seq { get; init; }
    public Guid OfferingId { get; init; }
    public string Directions { get; init; } = "";
    public int Attempts { get; init; }
}

/// <summary>
/// Offerings whose open demand items are still to be re-matched. The indexer adds a row per offering of each batch
/// before it completes the batch's outbox rows (<see cref="DemandRematcher.OnIndexedAsync"/>), so a crash re-delivers
/// rather than loses them; any node's <see cref="DemandRematcher"/> worker claims rows with the process's lease, renews it
/// while it works and deletes the rows it finished, and a failed row waits out a back-off with its attempt count and
/// error. Re-matching stays off the indexer's path: a catalog with many open demand lists does not slow indexing down.
/// </summary>
public sealed class RematchQueue(Database db, TimeProvider clock) : ILeasedQueue
{
    public string Name => "re-match queue";

    public async Task EnqueueAsync(IReadOnlyList<OfferingDocument> offerings, CancellationToken ct)
    {
        if (offerings.Count == 0)
        {
            return;
        }
        var now = clock.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(db.Command(RematchSql.Enqueue,
            offerings.Select(o => new { OfferingId = o.Id, Directions = string.Join(',', o.Directions), Now = now }), ct: ct));
    }

    public async Task<IReadOnlyList<RematchEntry>> ClaimAsync(string holder, int take, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<RematchEntry>(db.Command(db.Dialect.ClaimRematch, new { Holder = holder, LeaseUntil = leaseUntil, Now = clock.GetUtcNow(), Take = take }, ct: ct));
        return rows.OrderBy(r => r.Seq).ToArray();
    }

    /// <summary>Deletes the finished rows <paramref name="holder"/> still holds; returns how many.</summary>
    public Task<int> CompleteAsync(string holder, IReadOnlyCollection<long> seqs, CancellationToken ct) =>
        db.ExecuteInChunksAsync(RematchSql.Complete, seqs, chunk => new { Seqs = chunk, Holder = holder }, ct);

    /// <summary>Gives the rows back after a failure: attempts + 1, the error kept, not claimable before <paramref name="retryAfter"/> has passed.</summary>
    public async Task ReleaseAsync(string holder, IReadOnlyCollection<long> seqs, string error, TimeSpan retryAfter, CancellationToken ct)
    {
        var message = error.Length > RematchSql.ErrorMaxLength ? error[..RematchSql.ErrorMaxLength] : error;
        var retryAt = clock.GetUtcNow() + retryAfter;
        await db.ExecuteInChunksAsync(RematchSql.Release, seqs, chunk => new { Seqs = chunk, Holder = holder, Error = message, RetryAt = retryAt }, ct);
    }

    public Task<int> RenewAsync(string holderId, IReadOnlyCollection<long> keys, DateTimeOffset until, CancellationToken ct) =>
        db.ExecuteInChunksAsync(RematchSql.Renew, keys, chunk => new { Seqs = chunk, Holder = holderId, Until = until }, ct);

    public async Task<int> ReleaseHolderAsync(string holderId, bool processEnded, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(db.Command(RematchSql.ReleaseHolder, new { Holder = holderId }, ct: ct));
    }

    /// <summary>Rows not yet re-matched (claimed or not).</summary>
    public async Task<long> PendingCountAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(db.Command(RematchSql.PendingCount, ct: ct));
    }
}

/// <summary>Re-match queue statements shared by SQLite and SQL Server (claiming is dialect-specific: <see cref="SqlDialect.ClaimRematch"/>).</summary>
public static class RematchSql
{
    public const int ErrorMaxLength = 2000;

    public const string Enqueue = """
        INSERT INTO rematch_queue (offering_id, directions, created_at, attempts)
        VALUES (@OfferingId, @Directions, @Now, 0)
        """;

    public const string Complete = "DELETE FROM rematch_queue WHERE seq IN @Seqs AND claimed_by = @Holder";

    public const string Release = """
        UPDATE rematch_queue SET attempts = attempts + 1, last_error = @Error, claimed_by = NULL, claimed_until = @RetryAt
        WHERE seq IN @Seqs AND claimed_by = @Holder
        """;

    public const string Renew = "UPDATE rematch_queue SET claimed_until = @Until WHERE seq IN @Seqs AND claimed_by = @Holder";

    /// <summary>Frees a gone holder's rows without touching their attempts or back-off.</summary>
    public const string ReleaseHolder = "UPDATE rematch_queue SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = @Holder";

    public const string PendingCount = "SELECT COUNT(*) FROM rematch_queue";
}
