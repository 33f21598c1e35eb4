using Dapper;
using Marketplace.Core.Leasing;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Searching;

/// <summary>One claimed outbox row: the offering whose index document must be (re)written.</summary>
public sealed record OutboxEntry
{
    public long Seq { get; init; }
    public Guid OfferingId { get; init; }
    public long IndexVersion { get; init; }
    public int Attempts { get; init; }
}

/// <summary>
/// The search outbox written by <see cref="Offerings.OfferingStore"/> in the same transaction as a publish or retire.
/// Rows are claimed with a lease (the claiming process's holder id + an expiry, see <see cref="Leases"/>) so several nodes
/// can drain it: the holder renews the lease while it works, and the rows of a holder that is gone are freed at once by the
/// <see cref="LeaseHolderService"/>. A row leaves the queue only when its holder marks it processed, and a failed row is
/// released with its attempt count and error, never dropped.
/// </summary>
public sealed class SearchOutbox(Database db, TimeProvider clock) : ILeasedQueue
{
    public string Name => "search outbox";

    /// <summary>Claims up to <paramref name="take"/> free rows (oldest first) for <paramref name="holder"/> until <paramref name="leaseUntil"/>.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ClaimAsync(string holder, int take, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<OutboxEntry>(db.Command(db.Dialect.ClaimOutbox, new { Holder = holder, LeaseUntil = leaseUntil, Now = clock.GetUtcNow(), Take = take }, ct: ct));
        return rows.OrderBy(r => r.Seq).ToArray();
    }

    /// <summary>
    /// Marks the rows <paramref name="holder"/> still holds processed; returns how many (fewer: another holder took some
    /// over). They stay in the table (for audit) until <see cref="PurgeProcessedAsync"/>.
    /// </summary>
    public Task<int> CompleteAsync(string holder, IReadOnlyCollection<long> seqs, CancellationToken ct) =>
        db.ExecuteInChunksAsync(SearchOutboxSql.Complete, seqs, chunk => new { Seqs = chunk, Holder = holder, Now = clock.GetUtcNow() }, ct);

    /// <summary>
    /// Gives back the rows <paramref name="holder"/> holds after a failed write: attempts + 1, the error kept, and no node
    /// may claim them before <paramref name="retryAfter"/> has passed (a per-row back-off that every node respects).
    /// </summary>
    public async Task ReleaseAsync(string holder, IReadOnlyCollection<long> seqs, string error, TimeSpan retryAfter, CancellationToken ct)
    {
        var message = error.Length > SearchOutboxSql.ErrorMaxLength ? error[..SearchOutboxSql.ErrorMaxLength] : error;
        var retryAt = clock.GetUtcNow() + retryAfter;
        await db.ExecuteInChunksAsync(SearchOutboxSql.Release, seqs, chunk => new { Seqs = chunk, Holder = holder, Error = message, RetryAt = retryAt }, ct);
    }

    public Task<int> RenewAsync(string holderId, IReadOnlyCollection<long> keys, DateTimeOffset until, CancellationToken ct) =>
        db.ExecuteInChunksAsync(SearchOutboxSql.Renew, keys, chunk => new { Seqs = chunk, Holder = holderId, Until = until }, ct);

    public async Task<int> ReleaseHolderAsync(string holderId, bool processEnded, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(db.Command(SearchOutboxSql.ReleaseHolder, new { Holder = holderId }, ct: ct));
    }

    /// <summary>
    /// Rows after <paramref name="afterSeq"/> in sequence order, processed or not: the outbox read as a log, by a node whose
    /// own index must see every change (see <c>OutboxFollower</c>).
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> ReadAfterAsync(long afterSeq, int take, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<OutboxEntry>(db.Command(db.Dialect.Page(SearchOutboxSql.ReadAfter), new { After = afterSeq, Skip = 0, Take = take }, ct: ct))).ToArray();
    }

    /// <summary>The rows with these sequence numbers that exist (now).</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ReadAsync(IReadOnlyCollection<long> seqs, CancellationToken ct)
    {
        var rows = new List<OutboxEntry>();
        await using var c = await db.OpenAsync(ct);
        foreach (var chunk in seqs.Chunk(Database.KeysPerStatement))
        {
            rows.AddRange(await c.QueryAsync<OutboxEntry>(db.Command(SearchOutboxSql.ReadSeqs, new { Seqs = chunk }, ct: ct)));
        }
        return rows;
    }

    /// <summary>The lowest and highest sequence numbers in the table (0 when empty).</summary>
    public async Task<(long First, long Last)> SeqRangeAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var range = await c.QuerySingleAsync<(long, long)>(db.Command(SearchOutboxSql.SeqRange, ct: ct));
        return range;
    }

    /// <summary>
    /// Offerings with an unprocessed row or a row processed after <paramref name="since"/>: changes still on their way to
    /// an index (a node's follower, or an engine's refresh, may not show the latest ones yet).
    /// </summary>
    public async Task<IReadOnlySet<Guid>> InFlightAsync(DateTimeOffset since, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Guid>(db.Command(SearchOutboxSql.InFlight, new { Since = since }, ct: ct))).ToHashSet();
    }

    /// <summary>Unprocessed rows, those that failed at least once, and the creation time of the oldest unprocessed one.</summary>
    public async Task<OutboxBacklog> BacklogAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleAsync<OutboxBacklog>(db.Command(SearchOutboxSql.Backlog, ct: ct));
    }

    /// <summary>Rows not yet processed (claimed or not).</summary>
    public async Task<long> PendingCountAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(db.Command(SearchOutboxSql.PendingCount, ct: ct));
    }

    /// <summary>Deletes rows processed before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PurgeProcessedAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(db.Command(SearchOutboxSql.PurgeProcessed, new { Before = before }, ct: ct));
    }
}

/// <summary>The outbox's unprocessed rows: how many, how many failed at least once, since when the oldest waits.</summary>
public sealed record OutboxBacklog
{
    public long Pending { get; init; }
    public long Failing { get; init; }
    public DateTimeOffset? OldestCreatedAt { get; init; }
}

/// <summary>Outbox statements shared by SQLite and SQL Server (claiming is dialect-specific: <see cref="SqlDialect.ClaimOutbox"/>).</summary>
public static class SearchOutboxSql
{
    public const string Insert =
        "INSERT INTO search_outbox (offering_id, index_version, created_at, attempts) VALUES (@OfferingId, @IndexVersion, @CreatedAt, 0)";

    public const int ErrorMaxLength = 2000;

    public const string Complete = """
        UPDATE search_outbox SET processed_at = @Now, claimed_until = NULL
        WHERE seq IN @Seqs AND claimed_by = @Holder AND processed_at IS NULL
        """;

    public const string Release = """
        UPDATE search_outbox SET attempts = attempts + 1, last_error = @Error, claimed_by = NULL, claimed_until = @RetryAt
        WHERE seq IN @Seqs AND claimed_by = @Holder AND processed_at IS NULL
        """;

    public const string Renew = """
        UPDATE search_outbox SET claimed_until = @Until
        WHERE seq IN @Seqs AND claimed_by = @Holder AND processed_at IS NULL
        """;

    /// <summary>Frees a gone holder's rows without touching their attempts or back-off.</summary>
    public const string ReleaseHolder = """
        UPDATE search_outbox SET claimed_by = NULL, claimed_until = NULL
        WHERE claimed_by = @Holder AND processed_at IS NULL
        """;

    public const string PendingCount = "SELECT COUNT(*) FROM search_outbox WHERE processed_at IS NULL";

    private const string Entry = "SELECT seq AS Seq, offering_id AS OfferingId, index_version AS IndexVersion, attempts AS Attempts FROM search_outbox";

    public const string ReadAfter = Entry + " WHERE seq > @After ORDER BY seq";

    public const string ReadSeqs = Entry + " WHERE seq IN @Seqs";

    public const string InFlight = "SELECT DISTINCT offering_id FROM search_outbox WHERE processed_at IS NULL OR processed_at > @Since";

    public const string Backlog = """
        SELECT COUNT(*) AS Pending, COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) AS Failing, MIN(created_at) AS OldestCreatedAt
        FROM search_outbox WHERE processed_at IS NULL
        """;

    public const string SeqRange = "SELECT COALESCE(MIN(seq), 0) AS First, COALESCE(MAX(seq), 0) AS Last FROM search_outbox";

    public const string PurgeProcessed = "DELETE FROM search_outbox WHERE processed_at IS NOT NULL AND processed_at < @Before";
}
